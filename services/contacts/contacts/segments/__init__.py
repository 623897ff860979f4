"""Segments: staff-defined audiences, published on contacts.segment.v1."""
