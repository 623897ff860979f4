"""Newsletter's use cases: one small function each, over a unit of work."""
