"""Organisations of the network and people's links to them."""
