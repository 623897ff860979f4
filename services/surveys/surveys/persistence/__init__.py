"""Surveys' tables, repositories and unit of work."""
