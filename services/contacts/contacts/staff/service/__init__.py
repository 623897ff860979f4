"""Staff users: use cases."""
