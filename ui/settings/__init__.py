"""The settings screen: business profile, terms and aging buckets, backups."""
