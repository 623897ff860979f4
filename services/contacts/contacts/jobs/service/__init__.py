"""Background jobs: use cases."""
