-- One-tap scam reports and published scam warnings (docs/genuine-messages.md, "Scam reports"). A report
-- keeps what the citizen pasted (text, full link, screenshot) only until it is decided or
-- SCAM_REPORT_RETENTION_DAYS pass; the normalised link host and sender stay, so the counts do too.

CREATE TABLE scam_warnings (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- A warning covers one link host (and its subdomains) or one sender, never neither.
    link_host text CHECK (length(link_host) BETWEEN 1 AND 253),
    sender text CHECK (length(sender) BETWEEN 1 AND 100),
    title_th text NOT NULL CHECK (length(title_th) BETWEEN 1 AND 200),
    title_en text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 200),
    body_th text NOT NULL CHECK (length(body_th) BETWEEN 1 AND 2000),
    body_en text NOT NULL CHECK (length(body_en) BETWEEN 1 AND 2000),
    published_by uuid NOT NULL REFERENCES citizens (id),
    published_at timestamptz NOT NULL DEFAULT now(),
    withdrawn_by uuid REFERENCES citizens (id),
    withdrawn_at timestamptz,
    withdrawn_note text CHECK (length(withdrawn_note) <= 1000),
    CHECK ((link_host IS NULL) <> (sender IS NULL)),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);
-- Every citizen's home screen reads the active ones.
CREATE INDEX scam_warnings_active ON scam_warnings (published_at DESC) WHERE withdrawn_at IS NULL;

CREATE TABLE scam_reports (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Set when reported from inside the app, so the citizen sees the outcome; a public report has none.
    citizen_id uuid REFERENCES citizens (id) ON DELETE SET NULL,
    -- What the citizen pasted: purged (NULL) once decided or after the retention days.
    message_text text CHECK (length(message_text) <= 2000),
    link text CHECK (length(link) <= 2000),
    screenshot bytea,
    screenshot_type text CHECK (screenshot_type IN ('image/png', 'image/jpeg')),
    -- Kept: what groups reports and what a warning matches.
    link_host text CHECK (length(link_host) BETWEEN 1 AND 253),
    sender text CHECK (length(sender) BETWEEN 1 AND 100),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'scam', 'not_scam', 'dismissed')),
    warning_id bigint REFERENCES scam_warnings (id),
    decided_by uuid REFERENCES citizens (id),
    decided_at timestamptz,
    decision_note text CHECK (length(decision_note) <= 1000),
    created_at timestamptz NOT NULL DEFAULT now(),
    purged_at timestamptz,
    CHECK ((screenshot IS NULL) = (screenshot_type IS NULL)),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
-- The support queue groups pending reports by host or sender; the retention job finds old unpurged ones.
CREATE INDEX scam_reports_pending_host ON scam_reports (link_host) WHERE status = 'pending';
CREATE INDEX scam_reports_pending_sender ON scam_reports (sender) WHERE status = 'pending';
CREATE INDEX scam_reports_unpurged ON scam_reports (created_at) WHERE purged_at IS NULL;
CREATE INDEX scam_reports_by_citizen ON scam_reports (citizen_id, created_at DESC) WHERE citizen_id IS NOT NULL;
CREATE INDEX scam_reports_by_day ON scam_reports (created_at);
