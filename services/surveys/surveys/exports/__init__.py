"""Exports: responses as spreadsheets and open data, safe against formula injection."""
