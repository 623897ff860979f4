"""Contacts use cases, one module per area."""
