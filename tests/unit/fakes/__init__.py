"""In-memory fakes of the services' units of work and repositories (no infrastructure)."""
