"""The impact chain: indicators by stage, monthly figures, yearly targets, open data."""
