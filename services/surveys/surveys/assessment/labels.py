"""Names of the region and organisation-type codes the contact snapshots carry.

Region names are Statistics Finland's (as in contacts' classification); organisation types are
English source labels that the pages translate (`locale/*/LC_MESSAGES/assessment.po`)."""

from __future__ import annotations

REGIONS: dict[str, tuple[str, str, str]] = {
    "01": ("Uusimaa", "Nyland", "Uusimaa"),
    "02": ("Varsinais-Suomi", "Egentliga Finland", "Southwest Finland"),
    "04": ("Satakunta", "Satakunda", "Satakunta"),
    "05": ("Kanta-Häme", "Egentliga Tavastland", "Kanta-Häme"),
    "06": ("Pirkanmaa", "Birkaland", "Pirkanmaa"),
    "07": ("Päijät-Häme", "Päijänne-Tavastland", "Päijät-Häme"),
    "08": ("Kymenlaakso", "Kymmenedalen", "Kymenlaakso"),
    "09": ("Etelä-Karjala", "Södra Karelen", "South Karelia"),
    "10": ("Etelä-Savo", "Södra Savolax", "South Savo"),
    "11": ("Pohjois-Savo", "Norra Savolax", "North Savo"),
    "12": ("Pohjois-Karjala", "Norra Karelen", "North Karelia"),
    "13": ("Keski-Suomi", "Mellersta Finland", "Central Finland"),
    "14": ("Etelä-Pohjanmaa", "Södra Österbotten", "South Ostrobothnia"),
    "15": ("Pohjanmaa", "Österbotten", "Ostrobothnia"),
    "16": ("Keski-Pohjanmaa", "Mellersta Österbotten", "Central Ostrobothnia"),
    "17": ("Pohjois-Pohjanmaa", "Norra Österbotten", "North Ostrobothnia"),
    "18": ("Kainuu", "Kajanaland", "Kainuu"),
    "19": ("Lappi", "Lappland", "Lapland"),
    "21": ("Ahvenanmaa", "Åland", "Åland"),
}
ORGANISATION_TYPES = {
    "library": "Library",
    "service_point": "Service point",
    "authority": "Authority",
    "ngo": "NGO or association",
    "municipality": "Municipality",
    "wellbeing_county": "Wellbeing services county",
    "citizen_advice": "Citizen advice",
    "education": "Education",
    "company": "Company",
    "project": "Project",
    "other": "Other",
}
_LANG_INDEX = {"fi": 0, "sv": 1, "en": 2}


def region_name(code: str | None, lang: str) -> str:
    names = REGIONS.get(code or "")
    return names[_LANG_INDEX.get(lang, 0)] if names else ""


def region_choices(lang: str) -> list[tuple[str, str]]:
    return sorted(
        ((code, region_name(code, lang)) for code in REGIONS), key=lambda c: c[1].casefold()
    )
