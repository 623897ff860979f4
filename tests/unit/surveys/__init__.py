"""Unit tests of surveys' use cases on the in-memory unit of work."""
