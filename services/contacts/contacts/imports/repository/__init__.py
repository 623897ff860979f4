"""Imports and exports: the SQL for their tables."""
