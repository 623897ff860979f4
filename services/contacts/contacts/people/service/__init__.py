"""People of the network: use cases."""
