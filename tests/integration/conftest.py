"""Integration tests: real Kafka and PostgreSQL, code called in process (fixtures:
tests/support/plugin.py)."""
