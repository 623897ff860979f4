"""Surveys' HTTP side."""
