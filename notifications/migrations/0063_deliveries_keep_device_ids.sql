-- A delivery keeps the id of the device it went to as its history, no longer as a reference. Removing a
-- device (its push service calls it gone, or the citizen removes it) then looks through no delivery ever
-- made, and a campaign's delivery adds no entry to an index ordered by device: written all over at random,
-- that index put a whole-page image in the WAL for most of its pages a large campaign touched after each
-- checkpoint. Readers join push_subscriptions to tell whether the device is still there.
ALTER TABLE notification_deliveries DROP CONSTRAINT notification_deliveries_subscription_id_fkey;
DROP INDEX notification_deliveries_subscription;
