"""Contacts' domain: plain Python, no framework."""
