"""Background jobs: SQL for this feature's tables."""
