"""Topics of interest: staff-managed, named in fi, sv and en, chosen by people."""

from __future__ import annotations

import re
from dataclasses import dataclass

from contacts.errors import InvalidInput

_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")
MAX_TOPIC_NAME = 120


def parse_key(raw: str) -> str:
    if not _KEY.fullmatch(raw):
        raise InvalidInput("Topic key is 1-50 lower-case letters, digits, '-' or '_'.", field="key")
    return raw


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
        cls, *, key: str, name_fi: str, name_sv: str = "", name_en: str = "", position: int = 0
    ) -> Topic:
        names = {"name_fi": name_fi, "name_sv": name_sv, "name_en": name_en}
        for name, value in names.items():
            if len(value) > MAX_TOPIC_NAME:
                raise InvalidInput(f"{name} is too long.", field=name)
        if not name_fi.strip():
            raise InvalidInput("A Finnish name is required.", field="name_fi")
        return cls(
            key=parse_key(key),
            name_fi=name_fi.strip(),
            name_sv=name_sv.strip() or name_fi.strip(),
            name_en=name_en.strip() or name_fi.strip(),
            position=position,
        )

    def name(self, lang: str) -> str:
        return {"fi": self.name_fi, "sv": self.name_sv, "en": self.name_en}.get(lang, self.name_fi)
