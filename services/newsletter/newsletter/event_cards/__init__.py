"""The composer's event card filled from a real event (the events service's `events.event.v1`)."""
