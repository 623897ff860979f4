"""The competence areas materials are tagged with: the keys and names of the default
self-assessment's areas (surveys/assessment/defaults.py, "Digitukijan osaamisprofiilit").

The areas live in surveys (each assessment definition has its own, editable by staff) and no
topic carries them, so the materials library (newsletter) tags by this small fixed vocabulary
instead; surveys links materials to an area by its key. An assessment area whose key is not
here simply gets no materials. A unit test keeps this list and surveys' defaults in step:
add an area to both (docs/materials.md).
"""

from __future__ import annotations

# key -> (fi, sv, en)
COMPETENCE_AREAS: dict[str, tuple[str, str, str]] = {
    "digital_security": ("Digitaalinen turvallisuus", "Digital säkerhet", "Digital security"),
    "e_services": ("Asiointipalvelut", "E-tjänster", "E-services"),
    "devices": ("Laitteet ja yhteydet", "Enheter och uppkopplingar", "Devices and connections"),
    "guidance": ("Ohjaus ja opastus", "Handledning och vägledning", "Guidance and instruction"),
    "data_protection": ("Tietosuoja", "Dataskydd", "Data protection"),
}
_INDEX = {"fi": 0, "sv": 1, "en": 2}


def area_name(key: str, lang: str) -> str:
    """The area's name in `lang` (Finnish for an unknown language); the key if unknown."""
    names = COMPETENCE_AREAS.get(key)
    return names[_INDEX.get(lang, 0)] if names else key
