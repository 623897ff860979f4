"""The impact chain's pages: the staff view, targets, export and report; the open data."""
