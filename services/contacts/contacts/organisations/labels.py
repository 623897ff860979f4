"""How organisations read to a person: English source labels, translated by the page catalogs
(``locale/*/LC_MESSAGES/organisations_topics.po``). Codes never reach a page."""

from __future__ import annotations

from typing import Any

from contacts.classification import load_classification
from contacts.errors import InvalidInput
from contacts.organisations.domain.organisation import Organisation
from contacts.signup.pages.signup import TYPE_LABELS

# The programme description's "Digituen muotoja" (the Finnish is its own wording).
SUPPORT_FORM_LABELS = {
    "e_service_advice": "Advice on e-services",
    "general_support": "General digital support",
    "skills_guidance": "Support and guidance that builds digital skills",
    "skills_courses": "Courses and training that build digital skills",
    "informal_support": "Informal digital support",
}
# The programme description's "Digituen rahoitus".
FUNDING_LABELS = {
    "vm": "Ministry of Finance (VM)",
    "okm": "Ministry of Education and Culture (OKM)",
    "esr": "European Social Fund (ESF)",
    "stea": "Funding Centre for Social Welfare and Health Organisations (STEA)",
    "eakr": "European Regional Development Fund (ERDF)",
    "leader": "LEADER (rural development)",
    "foundations": "Foundations",
    "organisations": "Associations and NGOs",
    "municipalities": "Municipalities",
}
STATUS_LABELS = {"active": "Reviewed", "pending_review": "Waiting for review"}


def municipality_region(code: str) -> str | None:
    """The region code of a municipality code, None for an unknown code."""
    try:
        return load_classification().municipality(code).region_code
    except InvalidInput:
        return None


def region_name(code: str | None, lang: str) -> str:
    return load_classification().region(code).name(lang) if code else ""


def municipality_name(code: str | None, lang: str) -> str:
    return load_classification().municipality(code).name(lang) if code else ""


def described(org: Organisation, lang: str) -> dict[str, Any]:
    """The organisation's coded fields as English source labels and place names in `lang`
    (templates pass the labels through `_()`)."""
    return {
        "type": TYPE_LABELS.get(org.type, org.type),
        "region": region_name(org.region, lang),
        "municipality": municipality_name(org.municipality, lang),
        "support_forms": [SUPPORT_FORM_LABELS[c] for c in org.support_forms],
        "funding": [FUNDING_LABELS[c] for c in org.funding],
    }
