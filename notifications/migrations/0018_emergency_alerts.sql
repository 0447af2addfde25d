-- Urgent messages about the citizen's own money or safety (categories payments and safety) reach
-- them whatever their opt-outs and quiet hours say, so no agency may claim that by itself: the
-- platform's own messages (a payment's receipt) are marked as such, and an agency may use those
-- categories only while a platform administrator's approval for emergency alerts stands. Every
-- approval and revocation is kept with who, when and why.

ALTER TABLE notifications ADD COLUMN from_platform boolean NOT NULL DEFAULT false;

CREATE TABLE emergency_alert_approvals (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES agencies (id),
    granted_by uuid REFERENCES citizens (id),
    granted_at timestamptz NOT NULL DEFAULT now(),
    grant_reason text NOT NULL CHECK (length(grant_reason) BETWEEN 1 AND 500),
    revoked_by uuid REFERENCES citizens (id),
    revoked_at timestamptz,
    CHECK (revoked_by IS NULL OR revoked_at IS NOT NULL)
);
CREATE UNIQUE INDEX emergency_alert_approvals_one_active
    ON emergency_alert_approvals (agency_id) WHERE revoked_at IS NULL;
