-- The platform as a sender of its own (docs/delegation.md "Notices"): notices about grants and about
-- a delegate's steps come from one agencies row marked is_platform, so that every place a sender is
-- shown (inbox, push, genuine-message check page, support) names "ทางรัฐ" with no special case, and
-- genuine codes, opt-outs and idempotency keys work as for any sender. Only the platform writes as it
-- (notifications.service.send_from_platform, always from_platform); no agency staff, key or
-- connector belongs to it, and the agency lists leave it out.
ALTER TABLE agencies ADD COLUMN is_platform boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX agencies_one_platform ON agencies (is_platform) WHERE is_platform;
ALTER TABLE agencies ADD CONSTRAINT agencies_platform_approved CHECK (NOT is_platform OR status = 'approved');
INSERT INTO agencies (code, name_th, name_en, status, is_platform)
VALUES ('platform', 'ทางรัฐ', 'Thang Rat (the platform)', 'approved', true);
-- "Submitted by X on behalf of Y" (connector contract v1 ``on_behalf``): the grant under which a
-- delegate submitted an application or started the payment that paid a bill; null when the citizen
-- did it themselves.
ALTER TABLE applications ADD COLUMN delegation_id uuid REFERENCES delegations (id);
ALTER TABLE payments ADD COLUMN delegation_id uuid REFERENCES delegations (id);
