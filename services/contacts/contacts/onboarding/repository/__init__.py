"""Onboarding into the Facebook group: SQL for this feature's tables."""
