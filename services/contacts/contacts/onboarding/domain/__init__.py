"""Onboarding into the Facebook group: plain Python rules, no framework."""
