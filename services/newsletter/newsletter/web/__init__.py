"""Newsletter' HTTP side."""
