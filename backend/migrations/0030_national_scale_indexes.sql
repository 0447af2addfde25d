-- Deleting a stale device (the push service answered 404/410) sets its deliveries' subscription_id to
-- NULL: without an index on the foreign key PostgreSQL scans every delivery ever made for each deletion,
-- so a campaign with 5% stale devices ran at a sixth of its speed and, past ~150 M rows, one deletion
-- outlasted the statement time-out and the batch was pushed again. Partial: most old rows are NULL.
-- On a live database build it first with CREATE INDEX CONCURRENTLY under this name (a migration runs in a
-- transaction, which CONCURRENTLY cannot); IF NOT EXISTS then makes this file a no-op.
CREATE INDEX IF NOT EXISTS notification_deliveries_subscription
    ON notification_deliveries (subscription_id) WHERE subscription_id IS NOT NULL;

-- The retention job deletes finished tasks by age (backend.core.tasks.prune_finished_tasks): without
-- this it would read the whole outbox, which gains a row for every push batch.
CREATE INDEX IF NOT EXISTS task_outbox_finished ON task_outbox (finished_at) WHERE state <> 'pending';
