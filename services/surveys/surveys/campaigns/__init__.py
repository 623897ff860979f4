"""Campaigns: a survey sent to an audience, launched, reminded, followed."""
