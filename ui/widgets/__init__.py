"""Pieces every screen shares: display of money/dates/LTR runs, validated forms, dialogs
that remember their size, lazily fetched id-list table models."""
