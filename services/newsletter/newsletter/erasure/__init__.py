"""Erased and merged people: their deliveries and tracking events anonymised or re-pointed."""
