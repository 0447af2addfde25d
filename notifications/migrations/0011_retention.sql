-- Retention: a message's body (and link) is purged after NOTIFICATION_BODY_RETENTION_DAYS; its title,
-- status and delivery record stay for support until DELIVERY_METADATA_RETENTION_DAYS.

ALTER TABLE notifications
    ALTER COLUMN body_th DROP NOT NULL,
    ALTER COLUMN body_en DROP NOT NULL,
    ADD COLUMN body_purged_at timestamptz;
CREATE INDEX notifications_bodies_to_purge ON notifications (created_at) WHERE body_purged_at IS NULL;
CREATE INDEX delivery_attempts_at ON delivery_attempts (at);
