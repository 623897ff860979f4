"""The public signup with double opt-in, and a fresh confirmation link."""
