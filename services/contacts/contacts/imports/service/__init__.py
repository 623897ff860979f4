"""Importing people from CSV/XLSX files, and exporting views or segments: use cases."""
