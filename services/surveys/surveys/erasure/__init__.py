"""Erasure: forgetting erased people and handing over merged people's history."""
