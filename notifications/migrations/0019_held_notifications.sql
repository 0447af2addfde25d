-- A message sent to a national ID that has not used the app yet is accepted like any other, so that
-- the answer tells the agency nothing about who has an account: it is held under the ID's lookup
-- hash (no citizen yet) and becomes the citizen's at their first login.

ALTER TABLE notifications
    ALTER COLUMN citizen_id DROP NOT NULL,
    ADD COLUMN held_for bytea CHECK (length(held_for) = 32),
    ADD CONSTRAINT notifications_citizen_or_held CHECK ((citizen_id IS NULL) <> (held_for IS NULL));
-- The agency's idempotency key while held (UNIQUE (agency_id, citizen_id, ...) ignores a null
-- citizen), and the look-up at login.
CREATE UNIQUE INDEX notifications_held ON notifications (held_for, agency_id, idempotency_key)
    WHERE held_for IS NOT NULL;
