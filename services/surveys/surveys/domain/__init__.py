"""Surveys' domain: plain Python, no framework."""
