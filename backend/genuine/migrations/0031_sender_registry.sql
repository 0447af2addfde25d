-- The public sender registry (docs/genuine-messages.md, "The sender registry"): each agency's official
-- SMS sender names, link domains and contact channels. Agencies' admins add them; nothing is published
-- before a platform admin approves it, so a scammer with an agency login cannot vouch for a fake name.

CREATE TABLE sender_entries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES agencies (id),
    kind text NOT NULL CHECK (kind IN ('sms_sender', 'link_domain', 'phone', 'email', 'line_official')),
    value text NOT NULL CHECK (length(value) BETWEEN 1 AND 254),
    note_th text NOT NULL DEFAULT '' CHECK (length(note_th) <= 300),
    note_en text NOT NULL DEFAULT '' CHECK (length(note_en) <= 300),
    review_status text NOT NULL DEFAULT 'pending'
        CHECK (review_status IN ('pending', 'approved', 'returned')),
    review_comment text CHECK (length(review_comment) <= 1000),
    reviewed_by uuid REFERENCES citizens (id),
    reviewed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- One agency lists a channel once; the same SMS name under two agencies is for the reviewer to catch.
    UNIQUE (agency_id, kind, value)
);
-- The review queue and the published register each read only their own rows.
CREATE INDEX sender_entries_by_status ON sender_entries (review_status, agency_id);
