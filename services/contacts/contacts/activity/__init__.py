"""A person's activity timeline, fed by contacts and by other services' events."""
