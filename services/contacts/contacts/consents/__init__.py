"""The append-only consent log and pending signups."""
