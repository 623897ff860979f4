"""Event participation from the events service (`events.event.v1`, `events.registration.v1`):
a small event catalogue, each registration's steps, timelines, snapshot fields and counts."""
