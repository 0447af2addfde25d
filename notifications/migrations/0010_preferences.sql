-- Citizens' notification preferences: quiet hours and opt-outs per agency or category.
CREATE TABLE notification_preferences (
    citizen_id uuid PRIMARY KEY REFERENCES citizens (id),
    quiet_start time,
    quiet_end time,
    timezone text NOT NULL DEFAULT 'Asia/Bangkok',
    opt_out_agencies bigint[] NOT NULL DEFAULT '{}',
    opt_out_categories text[] NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
);
