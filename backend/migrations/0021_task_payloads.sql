-- A task carries a typed payload (the JSON of its kind's msgspec Struct, backend.core.tasks.TaskKind)
-- instead of a text reference each handler parsed. Rows already in the outbox are converted here, so
-- those still pending run after the upgrade as they would have before it.
ALTER TABLE task_outbox ADD COLUMN payload jsonb;

UPDATE task_outbox SET payload = CASE task
    WHEN 'payments.agency_webhook' THEN jsonb_build_object('payment_id', ref_id)
    WHEN 'payments.refund_webhook' THEN jsonb_build_object('refund_id', ref_id)
    WHEN 'notifications.deliver' THEN
        jsonb_build_object('delivery_ids', to_jsonb(string_to_array(ref_id, ',')::bigint[]))
    WHEN 'notifications.expand_campaign' THEN jsonb_build_object('campaign_id', ref_id)
    WHEN 'notifications.release' THEN jsonb_build_object('notification_id', ref_id)
    WHEN 'notifications.status_webhook' THEN jsonb_build_object('notification_id', ref_id)
    WHEN 'applications.deliver' THEN jsonb_build_object('application_id', ref_id)
    -- citizen_id:connector_id:scheme_id, where only the scheme may hold a colon
    WHEN 'entitlements.newly_eligible' THEN jsonb_build_object(
        'citizen_id', split_part(ref_id, ':', 1),
        'connector_id', split_part(ref_id, ':', 2)::bigint,
        'scheme_id', substring(ref_id FROM '^[^:]*:[^:]*:(.*)$'))
    -- a task no handler knows (it would fail either way): its reference kept for whoever looks
    ELSE jsonb_build_object('ref_id', ref_id)
END;

ALTER TABLE task_outbox
    ALTER COLUMN payload SET NOT NULL,
    ADD CONSTRAINT task_outbox_payload_is_object CHECK (jsonb_typeof(payload) = 'object'),
    DROP COLUMN ref_id;  -- and its index, task_outbox_ref, looked up by nothing but tests
