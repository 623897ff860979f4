"""Newsletter' tables, repositories and unit of work."""
