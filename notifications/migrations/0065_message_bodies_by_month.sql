-- A single message's body and link move to a table of their own, partitioned by month of message id like
-- the inbox (0060), so that NOTIFICATION_BODY_RETENTION_DAYS drops a month of bodies whole. Until now
-- retention rewrote every message it purged (each row's new version, and after a checkpoint each page's
-- whole image, went to the WAL: 22.7 KB a message), while the citizen's own writes queued behind it.
-- A campaign's messages have no body of their own (0049): theirs is the campaign's.
--
-- No foreign key to the inbox: a month of messages could not be dropped while one pointed at it. A body is
-- written in its message's transaction and lands in the partition named like its message's.
CREATE TABLE notification_bodies (
    notification_id uuid NOT NULL PRIMARY KEY,
    body_th text NOT NULL,
    body_en text NOT NULL,
    url text
) PARTITION BY RANGE (notification_id);
CREATE TABLE notification_bodies_default PARTITION OF notification_bodies DEFAULT;
SELECT ensure_id_month_partitions('notification_bodies', 'notification_id', now()::date,
                                  (now() + interval '2 months')::date, 100);

-- The inbox table itself is not changed (no index rebuilt while inbox writes wait). A message written
-- from now on has ``body_purged_at`` set as it is written: its row never holds a body of its own, so it
-- takes no entry in ``notifications_bodies_to_purge`` and the row-by-row purge never visits it. Messages
-- written before, or by a replica not yet upgraded, keep their body in their row; retention clears those
-- row by row, as before.
