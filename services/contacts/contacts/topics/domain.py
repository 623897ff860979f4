"""Topics of interest: staff-managed, named in fi, sv and en, chosen by people.

A topic is archived, never deleted: people who chose it keep it, but it is no longer offered.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace

from contacts.errors import InvalidInput

_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")
_NOT_KEY = re.compile(r"[^a-z0-9]+")
MAX_TOPIC_NAME = 120
MAX_POSITION = 10_000
KEY_MESSAGE = "Topic key is 1-50 lower-case letters, digits, '-' or '_'."
NAME_REQUIRED = "A Finnish name is required."
NAME_TOO_LONG = "A name is at most 120 characters."
POSITION_MESSAGE = "Order is a whole number from 0 to 10000."
NAMES = ("name_fi", "name_sv", "name_en")


def parse_key(raw: str) -> str:
    if not _KEY.fullmatch(raw):
        raise InvalidInput(KEY_MESSAGE, field="key")
    return raw


def key_from_name(name: str) -> str:
    """A key made of a name: "Tekoäly ja sinä" -> "tekoaly-ja-sina" (at most 50 characters)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    key = _NOT_KEY.sub("-", plain).strip("-")[:50].strip("-")
    return parse_key(key)


def parse_position(raw: object) -> int:
    """The order of a topic in lists: 0-10000 (a form's text too)."""
    if isinstance(raw, bool):
        raise InvalidInput(POSITION_MESSAGE, field="position")
    if isinstance(raw, str):
        text = raw.strip()
        if not text.isascii() or not text.isdigit() or len(text) > 5:
            raise InvalidInput(POSITION_MESSAGE, field="position")
        raw = int(text)
    if not isinstance(raw, int) or not 0 <= raw <= MAX_POSITION:
        raise InvalidInput(POSITION_MESSAGE, field="position")
    return raw


def clean_names(name_fi: str, name_sv: str = "", name_en: str = "") -> dict[str, str]:
    """The three names; a missing Swedish or English name is the Finnish one."""
    names = {"name_fi": name_fi, "name_sv": name_sv, "name_en": name_en}
    cleaned = {k: " ".join(v.split()) for k, v in names.items()}
    for name in NAMES:
        if len(cleaned[name]) > MAX_TOPIC_NAME:
            raise InvalidInput(NAME_TOO_LONG, field=name)
    if not cleaned["name_fi"]:
        raise InvalidInput(NAME_REQUIRED, field="name_fi")
    return {k: v or cleaned["name_fi"] for k, v in cleaned.items()}


def problems(**fields: object) -> dict[str, str]:
    """Every field's problem at once (a form shows them all); keys as in `Topic.new`."""
    found: dict[str, str] = {}
    if fields.get("key"):
        try:
            parse_key(str(fields["key"]))
        except InvalidInput as error:
            found["key"] = error.message
    for name in NAMES:
        value = str(fields.get(name) or "")
        if len(" ".join(value.split())) > MAX_TOPIC_NAME:
            found[name] = NAME_TOO_LONG
    if "name_fi" in fields and not str(fields["name_fi"] or "").strip():
        found["name_fi"] = NAME_REQUIRED
    if "position" in fields:
        try:
            parse_position(fields["position"])
        except InvalidInput as error:
            found["position"] = error.message
    return found


def kept_topics(
    chosen: Iterable[str], held: Iterable[str], *, offered: Collection[str]
) -> tuple[str, ...]:
    """A person's topics after choosing among those offered: the chosen ones, plus the ones
    they hold that are no longer offered (archived), which a form cannot show. Sorted."""
    chosen = set(chosen)
    if not chosen <= set(offered):
        raise InvalidInput("Choose topics from the list.", field="topics")
    return tuple(sorted(chosen | {t for t in held if t not in offered}))


@dataclass(frozen=True)
class Topic:
    key: str
    name_fi: str
    name_sv: str
    name_en: str
    position: int = 0
    archived: bool = False

    @classmethod
    def new(
        cls,
        *,
        key: str = "",
        name_fi: str,
        name_sv: str = "",
        name_en: str = "",
        position: int = 0,
    ) -> Topic:
        """A key left empty is made of the Finnish name."""
        names = clean_names(name_fi, name_sv, name_en)
        return cls(
            key=parse_key(key) if key else key_from_name(names["name_fi"]),
            name_fi=names["name_fi"],
            name_sv=names["name_sv"],
            name_en=names["name_en"],
            position=parse_position(position),
        )

    def edited(self, **changes: object) -> Topic:
        """A validated copy: names, position, archived; a value of None is left as it is."""
        given = {k: v for k, v in changes.items() if v is not None}
        unknown = set(given) - {*NAMES, "position", "archived"}
        if unknown:
            raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.", field="key")
        values: dict[str, object] = {}
        if any(name in given for name in NAMES):
            values.update(
                clean_names(*(str(given.get(name, getattr(self, name))) for name in NAMES))
            )
        if "position" in given:
            values["position"] = parse_position(given["position"])
        if "archived" in given:
            if not isinstance(given["archived"], bool):
                raise InvalidInput("Archived is true or false.", field="archived")
            values["archived"] = given["archived"]
        return replace(self, **values)  # type: ignore[arg-type]

    def name(self, lang: str) -> str:
        return {"fi": self.name_fi, "sv": self.name_sv, "en": self.name_en}.get(lang, self.name_fi)
