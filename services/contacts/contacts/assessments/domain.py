"""How a self-assessment result reads on a timeline (plain Python)."""

from __future__ import annotations

from collections.abc import Mapping


def summary(percents: Mapping[str, int], names: Mapping[str, str]) -> str:
    """ "Digitaalinen turvallisuus 33 %, Tietosuoja 100 %" in the order the event gives."""
    return ", ".join(f"{names.get(key, key)} {value} %" for key, value in percents.items())
