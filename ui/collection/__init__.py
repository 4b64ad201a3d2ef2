"""The collection screens: log a contact (with a promise), correct an entry, the client's
timeline, change a client's status, and the dunning-plan editor."""
