-- The inbox pages by (created_at, id): messages written in one transaction share created_at, and a page
-- boundary between them must neither skip nor repeat one. With id in the index a page reads ~limit rows.
CREATE INDEX notifications_inbox_cursor ON notifications (citizen_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
DROP INDEX notifications_inbox;
