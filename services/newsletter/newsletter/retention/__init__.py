"""Retention: old tracking events and deliveries become counts and go."""
