"""Onboarding into the Facebook group: use cases."""
