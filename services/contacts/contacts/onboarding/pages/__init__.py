"""Onboarding into the Facebook group: HTML pages."""
