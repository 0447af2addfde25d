-- What else a paid bill moves on, named by the feature that issued it (an application's fee:
-- 'application_fee', set by 0062's trigger); null for an agency's own bill. Settlement runs that feature's listener only for
-- the bills that name it, so the bank's callback for any other bill asks no feature about it.
ALTER TABLE bills ADD COLUMN on_paid text CHECK (length(on_paid) BETWEEN 1 AND 50);
