"""Merging duplicate person records."""
