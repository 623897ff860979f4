"""Contacts' tables, repositories and unit of work."""
