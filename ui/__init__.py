"""Gvia's Qt user interface. No SQL and no business rules here: they live in models/."""
