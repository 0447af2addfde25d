"""Pay: bills, Thai QR payments, bank callbacks, receipts and reconciliation (see the Pay issue)."""
