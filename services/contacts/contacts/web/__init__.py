"""Contacts' HTTP side: API routes, public and staff pages."""
