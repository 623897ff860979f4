"""The public signup form: what a visitor may send, checked field by field.

Messages are fixed English source strings (the pages translate them), one per field, so the
error summary can link each to its field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from contacts.classification import load_classification
from contacts.errors import InvalidInput
from contacts.organisations.domain.organisation import MAX_ORG_NAME, ORGANISATION_TYPES
from contacts.people.domain.person import LANGUAGES, MAX_NAME, Language, normalise_email

MAX_TOPICS = 50
FIELD_LIMITS = {
    "email": 254,
    "first_name": MAX_NAME,
    "last_name": MAX_NAME,
    "organisation": MAX_ORG_NAME,
    "organisation_type": 40,
    "municipality": 3,
    "language": 2,
}
FormValues = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class SignupForm:
    email: str
    first_name: str
    last_name: str
    language: Language
    organisation: str = ""
    organisation_type: str | None = None
    municipality: str | None = None
    topics: tuple[str, ...] = ()
    apply_membership: bool = False
    newsletter: bool = True
    surveys: bool = False

    def details(self) -> dict[str, object]:
        """What is applied only once the address is confirmed (kept with the signup)."""
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "language": self.language,
            "organisation": self.organisation,
            "organisation_type": self.organisation_type,
            "municipality": self.municipality,
            "topics": list(self.topics),
            "apply_membership": self.apply_membership,
            "newsletter": self.newsletter,
            "surveys": self.surveys,
        }


@dataclass
class SignupErrors:
    by_field: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, message)

    def __bool__(self) -> bool:
        return bool(self.by_field)


def _one(values: FormValues, name: str) -> str:
    got = values.get(name) or [""]
    return got[0] if got else ""


def parse_signup(
    values: FormValues, *, known_topics: Collection[str]
) -> tuple[SignupForm | None, SignupErrors, dict[str, object]]:
    """(the form or None, errors, what to show again in the fields)."""
    errors = SignupErrors()
    text = {name: " ".join(_one(values, name).split()) for name in FIELD_LIMITS}
    for name, limit in FIELD_LIMITS.items():
        if len(text[name]) > limit:
            errors.add(name, "This answer is too long.")
            text[name] = text[name][:limit]
    email = ""
    try:
        email = normalise_email(text["email"])
    except InvalidInput:
        errors.add("email", "Enter an email address like name@example.fi.")
    if not text["first_name"]:
        errors.add("first_name", "Enter your first name.")
    if not text["last_name"]:
        errors.add("last_name", "Enter your last name.")
    org_type = text["organisation_type"] or None
    if org_type is not None and org_type not in ORGANISATION_TYPES:
        errors.add("organisation_type", "Choose an organisation type from the list.")
    municipality = text["municipality"] or None
    if municipality is not None:
        try:
            load_classification().municipality(municipality)
        except InvalidInput:
            errors.add("municipality", "Choose a municipality from the list.")
    topics = tuple(dict.fromkeys(values.get("topics") or ()))
    if len(topics) > MAX_TOPICS or any(t not in known_topics for t in topics):
        errors.add("topics", "Choose topics from the list.")
    language = text["language"] or "fi"
    if language not in LANGUAGES:
        errors.add("language", "Choose a language from the list.")
    if _one(values, "consent") != "yes":
        errors.add("consent", "To subscribe, tick the box to agree to the newsletter.")
    shown: dict[str, object] = {
        **text,
        "topics": topics,
        "membership": _one(values, "membership") == "yes",
        "surveys": _one(values, "surveys") == "yes",
        "consent": _one(values, "consent") == "yes",
    }
    if errors:
        return None, errors, shown
    form = SignupForm(
        email=email,
        first_name=text["first_name"],
        last_name=text["last_name"],
        language=language,  # type: ignore[arg-type]
        organisation=text["organisation"],
        organisation_type=org_type,
        municipality=municipality,
        topics=topics,
        apply_membership=shown["membership"] is True,
        newsletter=True,
        surveys=shown["surveys"] is True,
    )
    return form, errors, shown
