-- The agency's webhook also carries its messages' final delivery statuses: a webhook delivery record
-- names either the payment or the notification it was about.

ALTER TABLE webhook_deliveries
    ALTER COLUMN payment_id DROP NOT NULL,
    ADD COLUMN notification_id uuid REFERENCES notifications (id),
    ADD CONSTRAINT webhook_deliveries_subject CHECK ((payment_id IS NULL) <> (notification_id IS NULL));
