"""People of the network: JSON API routes."""
