"""People of the network: plain Python rules, no framework."""
