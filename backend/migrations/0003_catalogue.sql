-- Register: agency approval, service tiles with versions and a review workflow, citizens' favourites
-- and recent use.

ALTER TABLE agencies
    ADD COLUMN proposed_by uuid REFERENCES citizens (id),
    ADD COLUMN decided_by uuid REFERENCES citizens (id),
    ADD COLUMN decided_at timestamptz;

-- A tile's content lives in its versions; the tile row says which version citizens see
-- (published_version) and which one is being worked on (draft_version, in draft or in review).
CREATE TABLE tiles (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES agencies (id),
    draft_version integer,
    draft_state text CHECK (draft_state IN ('draft', 'in_review')),
    published_version integer,
    review_comment text,
    retired_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((draft_version IS NULL) = (draft_state IS NULL))
);
CREATE INDEX tiles_agency ON tiles (agency_id);

CREATE TABLE tile_versions (
    tile_id bigint NOT NULL REFERENCES tiles (id),
    version integer NOT NULL CHECK (version > 0),
    title_th text NOT NULL CHECK (length(title_th) BETWEEN 1 AND 120),
    title_en text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 120),
    description_th text NOT NULL CHECK (length(description_th) <= 500),
    description_en text NOT NULL CHECK (length(description_en) <= 500),
    icon text NOT NULL CHECK (icon ~ '^[a-z0-9-]{1,40}$'),
    category text NOT NULL CHECK (
        category IN ('welfare', 'health', 'family', 'education', 'work', 'tax', 'utilities',
                     'documents', 'transport', 'housing', 'agriculture', 'safety')
    ),
    life_events text[] NOT NULL DEFAULT '{}' CHECK (
        life_events <@ ARRAY['newborn', 'school', 'work', 'marriage', 'moving', 'retirement',
                             'disability', 'bereavement', 'business']::text[]
    ),
    audience_min_age integer CHECK (audience_min_age BETWEEN 0 AND 150),
    audience_max_age integer CHECK (audience_max_age BETWEEN 0 AND 150),
    kind text NOT NULL CHECK (kind IN ('link', 'entitlement', 'bill_payment', 'application')),
    link_url text CHECK (link_url ~ '^https://'),
    sort_order integer NOT NULL DEFAULT 0,
    created_by uuid REFERENCES citizens (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tile_id, version),
    CHECK (audience_min_age IS NULL OR audience_max_age IS NULL OR audience_min_age <= audience_max_age),
    CHECK ((kind = 'link') = (link_url IS NOT NULL))
);

-- Each step of the review workflow, with who took it and why.
CREATE TABLE tile_reviews (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tile_id bigint NOT NULL REFERENCES tiles (id),
    version integer NOT NULL,
    action text NOT NULL CHECK (action IN ('submitted', 'published', 'returned', 'retired')),
    comment text,
    actor uuid REFERENCES citizens (id),
    agency_client text,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tile_reviews_tile ON tile_reviews (tile_id, at);

CREATE TABLE tile_favourites (
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    tile_id bigint NOT NULL REFERENCES tiles (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (citizen_id, tile_id)
);

CREATE TABLE tile_usage (
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    tile_id bigint NOT NULL REFERENCES tiles (id),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    use_count integer NOT NULL DEFAULT 1,
    PRIMARY KEY (citizen_id, tile_id)
);
CREATE INDEX tile_usage_recent ON tile_usage (citizen_id, last_used_at DESC);
