-- Inbox retention (NOTIFICATION_RETENTION_DAYS, docs/retention.md): messages older than the period go,
-- with their deliveries to devices and those deliveries' attempts. The inbox is written in time order,
-- so a BRIN index of created_at (a few pages for the whole table, next to nothing written per message,
-- where a B-tree entry cost each message ~70 bytes of WAL) takes the purge straight to the oldest pages.
CREATE INDEX notifications_created_brin ON notifications USING brin (created_at);
