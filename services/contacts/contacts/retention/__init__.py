"""Retention: what contacts deletes after the configured time, and inactive people."""
