-- Support staff resolve payment exceptions and ask for refunds; bank settlement files are
-- reconciled against our payments and the differences kept.

ALTER TABLE payment_exceptions ADD COLUMN resolution_note text;

CREATE TABLE refunds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    exception_id bigint REFERENCES payment_exceptions (id),
    payment_id uuid REFERENCES payments (id),
    bank text NOT NULL,
    amount_satang bigint NOT NULL CHECK (amount_satang > 0),
    state text NOT NULL DEFAULT 'submitted' CHECK (state IN ('submitted', 'success', 'error')),
    reason text NOT NULL,
    requested_by uuid REFERENCES citizens (id),
    requested_by_client text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reconciliations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bank text NOT NULL,
    settlement_date date NOT NULL,
    file_name text NOT NULL,
    matched integer NOT NULL,
    missing_ours integer NOT NULL,
    missing_bank integer NOT NULL,
    amount_differences integer NOT NULL,
    imported_by uuid REFERENCES citizens (id),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reconciliation_items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reconciliation_id bigint NOT NULL REFERENCES reconciliations (id),
    kind text NOT NULL CHECK (kind IN ('matched', 'missing_ours', 'missing_bank', 'amount_difference')),
    bank_reference text,
    biller_id text,
    ref1 text,
    ref2 text,
    bank_amount_satang bigint,
    our_amount_satang bigint,
    payment_id uuid REFERENCES payments (id)
);
CREATE INDEX reconciliation_items_run ON reconciliation_items (reconciliation_id, kind);
