-- Programme registration behind a fair waiting room (docs/waiting-room.md). PostgreSQL holds who joined
-- (with their ticket: the order of the line), who was admitted and until when, and who registered, each
-- written before the citizen is answered; Redis only counts tickets and caches what a poll reads.
CREATE TABLE programmes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id bigint NOT NULL REFERENCES agencies (id),
    name_th text NOT NULL CHECK (length(name_th) BETWEEN 1 AND 120),
    name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 120),
    description_th text NOT NULL CHECK (length(description_th) <= 1000),
    description_en text NOT NULL CHECK (length(description_en) <= 1000),
    opens_at timestamptz NOT NULL,
    closes_at timestamptz CHECK (closes_at IS NULL OR closes_at > opens_at),
    admit_per_second integer NOT NULL CHECK (admit_per_second BETWEEN 1 AND 10000),
    admission_window_seconds integer NOT NULL DEFAULT 600 CHECK (admission_window_seconds BETWEEN 60 AND 3600),
    -- The admission worker's place in the line: every ticket up to here has been let in, and when it last
    -- let people in (what the next tick's allowance is counted from).
    admitted_through bigint NOT NULL DEFAULT 0,
    last_admitted_at timestamptz,
    created_by uuid REFERENCES citizens (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX programmes_of_agency ON programmes (agency_id, opens_at);
CREATE INDEX programmes_open ON programmes (opens_at) WHERE closes_at IS NULL;
CREATE INDEX programmes_closing ON programmes (closes_at);

CREATE TABLE programme_places (
    programme_id uuid NOT NULL REFERENCES programmes (id),
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    ticket bigint NOT NULL CHECK (ticket > 0),
    joined_at timestamptz NOT NULL DEFAULT now(),
    admitted_at timestamptz,
    admitted_until timestamptz,
    PRIMARY KEY (programme_id, citizen_id),       -- one place per citizen
    UNIQUE (programme_id, ticket),                -- one citizen per ticket: the order is never shared
    CHECK ((admitted_at IS NULL) = (admitted_until IS NULL))
);
-- The admission worker reads the head of the line; the measured rate counts the last minute's admissions.
CREATE INDEX programme_places_waiting ON programme_places (programme_id, ticket) WHERE admitted_at IS NULL;
CREATE INDEX programme_places_admitted ON programme_places (programme_id, admitted_at)
    WHERE admitted_at IS NOT NULL;

CREATE TABLE programme_registrations (
    programme_id uuid NOT NULL,
    citizen_id uuid NOT NULL,
    reference text NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (programme_id, citizen_id),       -- one registration per citizen, whatever is retried
    UNIQUE (programme_id, reference),
    FOREIGN KEY (programme_id, citizen_id) REFERENCES programme_places (programme_id, citizen_id)
);
