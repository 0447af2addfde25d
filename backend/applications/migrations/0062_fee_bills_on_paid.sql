-- The fees issued before bills named what they move on (0061): each application's own bill.
UPDATE bills SET on_paid = 'application_fee' FROM applications a WHERE a.bill_id = bills.id;
