"""The clients screens: the list, the client card, the client form."""
