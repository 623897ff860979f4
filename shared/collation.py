"""Alphabetical order as a reader of the page's language expects it.

Finnish and Swedish end their alphabet with Å, Ä, Ö (… X, Y, Z, Å, Ä, Ö): "Åbo" comes after
"Zeta", "Ähtäri" after "Ylöjärvi". English sorts plainly: accents and case aside, "Åbo" is an
"Abo". Two helpers, one per side:

- `collated(column, lang)`: an SQL expression to ORDER BY, with the language's ICU collation
  (PostgreSQL from Debian is built with ICU; the database's own collation is C, byte order).
  An index serves such an ORDER BY only when it was built with the same collation: the big
  lists have one per staff language (see `contacts.tables`).
- `sort_key(text, lang)`: a `sorted(..., key=...)` key for vocabularies sorted in Python
  (municipalities, regions), written by hand for the three languages (no ICU in Python here).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import ColumnElement

COLLATIONS = {"fi": "fi-FI-x-icu", "sv": "sv-FI-x-icu", "en": "en-x-icu"}
DEFAULT = "fi"

# Finnish and Swedish (CLDR): å, ä (= æ), ö (= ø) are letters of their own after z; ü is a y.
# The stand-ins sort right after "z" (0x7a) in this order.
_NORDIC = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y", "ű": "y"}


def collation(lang: str) -> str:
    """The PostgreSQL collation of `lang` (Finnish for anything unknown)."""
    return COLLATIONS.get(lang, COLLATIONS[DEFAULT])


def collated(column: ColumnElement[Any], lang: str) -> ColumnElement[Any]:
    """`column COLLATE "<lang's collation>"`, for ORDER BY."""
    return column.collate(collation(lang))


def _plain(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sort_key(text: str | None, lang: str) -> tuple[str, str, str]:
    """Sort key of `text` in `lang`: letters first, then accents, then case (lower first).

    >>> sorted(["Åbo", "Zeta", "Ähtäri", "abc"], key=lambda t: sort_key(t, "fi"))
    ['abc', 'Zeta', 'Åbo', 'Ähtäri']
    """
    written = unicodedata.normalize("NFC", text or "")
    folded = written.casefold()
    nordic = lang in ("fi", "sv")
    primary = "".join(
        _NORDIC[ch] if nordic and ch in _NORDIC else _plain(ch) for ch in folded
    ).strip()
    return (" ".join(primary.split()), folded, written.swapcase())
