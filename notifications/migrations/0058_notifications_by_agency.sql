-- Support's search by agency ("what did this agency send yesterday?") walks this index backwards, newest
-- first, and stops at its page; without it, the search read the whole inbox table in time order and threw
-- away other agencies' rows (2.9 s on 20 M messages). Ascending, so that new messages land on the right
-- edge of their agency's range (B-tree appends, not splits in the middle), and without the id (ties in
-- created_at are few and sorted after): each message writes less WAL for it (issue 23's 3 KB a message).
CREATE INDEX notifications_by_agency ON notifications (agency_id, created_at);
