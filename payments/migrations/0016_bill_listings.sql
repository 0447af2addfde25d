-- An agency lists its bills newest first (all, or of one status) and sums them per status; support
-- staff look up one citizen's bills with every payment attempt, refund and receipt.
CREATE INDEX bills_agency ON bills (agency_id, created_at DESC, id DESC);
-- Also answers the per-status summary from the index alone.
CREATE INDEX bills_agency_status ON bills (agency_id, status, created_at DESC, id DESC) INCLUDE (amount_satang);
CREATE INDEX payments_bill ON payments (bill_id, created_at DESC);
CREATE INDEX refunds_payment ON refunds (payment_id);
