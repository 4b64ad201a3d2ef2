"""Negotiation and settlement screens: the case file, authority limits, the settlement."""
