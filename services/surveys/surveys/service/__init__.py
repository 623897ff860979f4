"""Surveys' use cases: small keyword-only functions over a unit of work."""

SOURCE = "/digituki/surveys"
