"""The invoices screens: the list of every invoice, the add/edit dialog."""
