-- Foundation: the task outbox every feature uses (save, then queue) and the agencies table.

-- A task row is written in the same transaction as the business change it acts on; the queued job
-- carries only the row id. A job that is lost (Redis restarted, worker killed) is found again by the
-- sweeper because its row is still pending.
CREATE TABLE task_outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task text NOT NULL CHECK (task ~ '^[a-z][a-z0-9_.]*$'),
    ref_id text NOT NULL,
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts integer NOT NULL DEFAULT 8 CHECK (max_attempts > 0),
    run_after timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    last_error text,
    CHECK ((state = 'pending') = (finished_at IS NULL))
);
CREATE INDEX task_outbox_due ON task_outbox (run_after) WHERE state = 'pending';
CREATE INDEX task_outbox_ref ON task_outbox (task, ref_id);

-- Agencies are approved by a platform administrator before they can publish anything.
CREATE TABLE agencies (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9-]{1,31}$'),
    name_th text NOT NULL CHECK (length(name_th) BETWEEN 1 AND 200),
    name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
    logo_url text,
    contact_email text,
    contact_phone text,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'suspended')),
    is_demo boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
