-- A campaign's messages carry no idempotency key (0049: the campaign holds it), yet each still took an
-- entry in the (agency, citizen, key) unique index: a write per recipient for nothing. Only the messages
-- sent one at a time have keys, so only they are indexed; "WHERE idempotency_key = $3" still uses it.
ALTER TABLE notifications DROP CONSTRAINT notifications_agency_id_citizen_id_idempotency_key_key;
CREATE UNIQUE INDEX notifications_idempotency ON notifications (agency_id, citizen_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
