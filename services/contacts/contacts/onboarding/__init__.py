"""Onboarding into the Facebook group: invites, join codes, matching, member lists."""
