"""מכתבים: produce a letter with its preview, batches with address labels, the archive and
the registered-mail register, the wording of each letter kind, the envelope window."""
