"""Membership of the national digital-support network and its life cycle."""
