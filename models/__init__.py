"""Gvia's domain: the database, the ledger and the rules. Nothing here knows Qt."""
