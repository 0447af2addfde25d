-- An application's fee bill names the listener that moves the application on when it is paid (0061,
-- `backend.applications.states.FEE_PAID`): set here, by the database, whenever an application is given its
-- bill, so that a bill issued by any version of the code (a replica not yet upgraded included) names it;
-- and for the fees issued before.
UPDATE bills SET on_paid = 'application_fee' FROM applications a WHERE a.bill_id = bills.id;

CREATE FUNCTION fee_bill_names_its_listener() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE bills SET on_paid = 'application_fee' WHERE id = NEW.bill_id AND on_paid IS DISTINCT FROM 'application_fee';
    RETURN NULL;
END
$$;

CREATE TRIGGER fee_bill_names_its_listener AFTER INSERT OR UPDATE OF bill_id ON applications
    FOR EACH ROW WHEN (NEW.bill_id IS NOT NULL) EXECUTE FUNCTION fee_bill_names_its_listener();
