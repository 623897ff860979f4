"""Helpers for the test suite: infrastructure discovery, service processes, polling."""
