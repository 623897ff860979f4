"""Results: summaries and breakdowns of a campaign's responses."""
