"""Retention: deleting expired campaigns' personal data, keeping the counts."""
