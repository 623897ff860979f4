"""Staff users: HTML pages."""
