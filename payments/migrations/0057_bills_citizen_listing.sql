-- A citizen's bills are listed a page at a time in the order the app shows them (unpaid first, then by
-- due date, first issued first within a day): an index in that order lets a page start at the cursor and
-- stop after its rows, instead of reading and sorting every bill the citizen ever had. It serves look-ups
-- by national ID too, so the older index on (national_id_hash, created_at) goes.
CREATE INDEX bills_citizen_listing ON bills (national_id_hash, (status <> 'unpaid'), due_date, created_at, id);
DROP INDEX bills_citizen;
