-- Pay: bills issued by agencies, payments by Thai QR, bank callbacks (each kept, exactly once),
-- exceptions for support staff, and e-receipts.

CREATE TABLE bills (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id bigint NOT NULL REFERENCES agencies (id),
    -- Bills are issued by national ID, possibly before the citizen's first login.
    national_id_hash bytea NOT NULL CHECK (length(national_id_hash) = 32),
    amount_satang bigint NOT NULL CHECK (amount_satang BETWEEN 1 AND 99999999999),
    due_date date NOT NULL,
    biller_id text NOT NULL CHECK (biller_id ~ '^[0-9]{13}([0-9]{2})?$'),
    ref1 text NOT NULL CHECK (ref1 ~ '^[0-9A-Z]{1,20}$'),
    ref2 text CHECK (ref2 ~ '^[0-9A-Z]{1,20}$'),
    description_th text NOT NULL CHECK (length(description_th) BETWEEN 1 AND 300),
    description_en text NOT NULL CHECK (length(description_en) BETWEEN 1 AND 300),
    status text NOT NULL DEFAULT 'unpaid' CHECK (status IN ('unpaid', 'paid', 'cancelled')),
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_hash bytea NOT NULL,
    issued_by_client text,
    issued_by uuid REFERENCES citizens (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    paid_at timestamptz,
    UNIQUE (agency_id, idempotency_key)
);
CREATE INDEX bills_citizen ON bills (national_id_hash, created_at DESC);
-- A bank callback names the bill by its biller and references.
CREATE UNIQUE INDEX bills_references ON bills (biller_id, ref1, coalesce(ref2, ''));

CREATE TABLE payments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    bill_id uuid NOT NULL REFERENCES bills (id),
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    amount_satang bigint NOT NULL CHECK (amount_satang > 0),
    state text NOT NULL CHECK (state IN ('created', 'pending', 'success', 'failed', 'expired', 'cancelled')),
    qr_payload text NOT NULL,
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE UNIQUE INDEX payments_one_live_per_bill ON payments (bill_id) WHERE state IN ('created', 'pending');
CREATE UNIQUE INDEX payments_one_success_per_bill ON payments (bill_id) WHERE state = 'success';
CREATE INDEX payments_expiring ON payments (expires_at) WHERE state IN ('created', 'pending');

CREATE TABLE payment_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id uuid NOT NULL REFERENCES payments (id),
    from_state text,
    to_state text NOT NULL,
    source text NOT NULL CHECK (source IN ('citizen', 'bank', 'system', 'support')),
    detail text,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_events_payment ON payment_events (payment_id, id);

-- Every callback a bank sends is kept; its id is what makes a repeat harmless.
CREATE TABLE bank_callbacks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bank text NOT NULL,
    callback_id text NOT NULL CHECK (length(callback_id) BETWEEN 1 AND 100),
    body jsonb NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('paid', 'exception')),
    payment_id uuid REFERENCES payments (id),
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (bank, callback_id)
);

-- Money that arrived but does not fit: never dropped, resolved by support staff.
CREATE TABLE payment_exceptions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('late', 'amount_mismatch', 'unknown_bill', 'already_paid')),
    bank text NOT NULL,
    callback_id text NOT NULL,
    bill_id uuid REFERENCES bills (id),
    payment_id uuid REFERENCES payments (id),
    amount_satang bigint NOT NULL,
    detail text NOT NULL,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'refund_requested')),
    resolved_by uuid REFERENCES citizens (id),
    resolved_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE receipt_numbers;
CREATE TABLE receipts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number text NOT NULL UNIQUE,
    payment_id uuid NOT NULL UNIQUE REFERENCES payments (id),
    bill_id uuid NOT NULL REFERENCES bills (id),
    amount_satang bigint NOT NULL,
    paid_at timestamptz NOT NULL,
    bank text NOT NULL,
    bank_reference text,
    verification_code text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
