"""Imports and exports: the plain-Python rules (no framework)."""
