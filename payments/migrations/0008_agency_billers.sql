-- A biller ID (the account bill payments settle into) belongs to one agency, assigned by a platform
-- administrator; an agency issues bills only under its own.
CREATE TABLE agency_billers (
    biller_id text PRIMARY KEY CHECK (biller_id ~ '^[0-9]{13}([0-9]{2})?$'),
    agency_id bigint NOT NULL REFERENCES agencies (id),
    assigned_by uuid REFERENCES citizens (id),
    assigned_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agency_billers_agency ON agency_billers (agency_id);
