"""Organisations of the network and people's links to them: plain Python rules, no framework."""
