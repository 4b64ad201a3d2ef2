"""Payments: the record-payment dialog and the bounced-check action."""
