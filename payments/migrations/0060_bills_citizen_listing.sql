-- A citizen's bills are listed a page at a time in the order the app shows them (unpaid first, then by
-- due date, newest issued first within a day): an index in that order lets a page stop after its rows
-- instead of reading and sorting every bill the citizen ever had. It serves look-ups by national ID too,
-- so the older index on (national_id_hash, created_at) goes.
CREATE INDEX bills_citizen_listing
    ON bills (national_id_hash, (status <> 'unpaid'), due_date, created_at DESC, id DESC);
DROP INDEX bills_citizen;
