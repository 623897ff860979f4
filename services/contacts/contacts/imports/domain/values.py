"""Reading the words staff write in spreadsheets: places, languages, states, topics by name.

A cell is matched ignoring case, diacritics and extra spaces ("  helsingfors" is Helsinki's
"091"), by code or by a Finnish, Swedish or English name. A near miss gets the closest names
as a suggestion ("Helsinkki" -> "did you mean Helsinki?"). Each matcher remembers what it
resolved, so a file that repeats a value pays for it once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from contacts.classification import Classification, fold

SUGGESTIONS = 3
CLOSE_ENOUGH = 0.75  # difflib's ratio: "Helsinkki" ~ "helsinki" 0.94, "Espoo" ~ "Vantaa" 0.18


@dataclass(frozen=True)
class Problem:
    """Why a cell cannot be read: an English sentence with %(name)s placeholders (the message
    id the pages translate) and its values."""

    text: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def english(self) -> str:
        return self.text % self.params if self.params else self.text


class RowError(Exception):
    """A cell's Problem, raised while a row is read."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.english)
        self.problem = problem


def refuse(text: str, **params: str) -> RowError:
    return RowError(Problem(text, params))


def suggestion_problem(kind: str, value: str, suggestions: list[str]) -> Problem:
    """ "Unknown municipality “x”." with "Did you mean …?" when something is close."""
    texts = UNKNOWN[kind]
    if suggestions:
        return Problem(texts[1], {"value": value, "suggestions": ", ".join(suggestions)})
    return Problem(texts[0], {"value": value})


# kind -> (unknown, unknown with suggestions); English message ids, translated on the pages.
UNKNOWN: dict[str, tuple[str, str]] = {
    "municipality": (
        "Unknown municipality “%(value)s”.",
        "Unknown municipality “%(value)s”. Did you mean %(suggestions)s?",
    ),
    "region": (
        "Unknown region “%(value)s”.",
        "Unknown region “%(value)s”. Did you mean %(suggestions)s?",
    ),
    "language": (
        "Unknown language “%(value)s”: use Finnish, Swedish or English.",
        "Unknown language “%(value)s”. Did you mean %(suggestions)s?",
    ),
    "membership": (
        "Unknown membership state “%(value)s”.",
        "Unknown membership state “%(value)s”. Did you mean %(suggestions)s?",
    ),
    "topics": (
        "Unknown topic “%(value)s”.",
        "Unknown topic “%(value)s”. Did you mean %(suggestions)s?",
    ),
}


class Matcher:
    """Values by their codes and names; `match` returns the value or raises a Problem."""

    def __init__(self, kind: str, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.kind = kind
        self._by_key: dict[str, str] = {}
        self._shown: dict[str, str] = {}  # folded name -> the name as written, for suggestions
        for value, names in entries:
            for name in names:
                key = fold(name)
                if key and key not in self._by_key:
                    self._by_key[key] = value
                    self._shown.setdefault(key, name)
        self._seen: dict[str, str | Problem] = {}

    def match(self, raw: str) -> str:
        found = self._seen.get(raw)
        if found is None:
            found = self._seen[raw] = self._resolve(raw)
        if isinstance(found, Problem):
            raise RowError(found)
        return found

    def _resolve(self, raw: str) -> str | Problem:
        key = fold(raw)
        value = self._by_key.get(key) or self._by_key.get(self._code_form(key))
        if value is not None:
            return value
        return suggestion_problem(self.kind, raw.strip(), self.suggest(raw))

    def _code_form(self, key: str) -> str:
        return key

    def suggest(self, raw: str) -> list[str]:
        """The names closest to `raw` (at most three, closest first, each value once)."""
        key = fold(raw)
        close = difflib.get_close_matches(key, self._shown, n=SUGGESTIONS * 2, cutoff=CLOSE_ENOUGH)
        chosen: list[str] = []
        values: set[str] = set()
        for candidate in close:
            if self._by_key[candidate] not in values:
                values.add(self._by_key[candidate])
                chosen.append(self._shown[candidate])
        return chosen[:SUGGESTIONS]


class CodeMatcher(Matcher):
    """Statistics Finland codes written as numbers lose their zeros ("91" is "091"), and a
    "091 Helsinki" cell names its code first."""

    def __init__(self, kind: str, width: int, entries: Iterable[tuple[str, Iterable[str]]]):
        super().__init__(kind, entries)
        self.width = width

    def _code_form(self, key: str) -> str:
        head = key.split(" ", 1)[0]
        return head.zfill(self.width) if head.isdigit() and len(head) <= self.width else key


def municipalities(classification: Classification) -> CodeMatcher:
    return CodeMatcher(
        "municipality",
        3,
        ((m.code, (m.code, *m.names.values())) for m in classification.municipalities),
    )


def regions(classification: Classification) -> CodeMatcher:
    return CodeMatcher(
        "region", 2, ((r.code, (r.code, *r.names.values())) for r in classification.regions)
    )


LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "fi": ("fi", "fin", "suomi", "suomeksi", "finnish", "finska", "suomen kieli"),
    "sv": ("sv", "swe", "ruotsi", "ruotsiksi", "swedish", "svenska", "på svenska"),
    "en": ("en", "eng", "englanti", "englanniksi", "english", "engelska", "in english"),
}


def languages() -> Matcher:
    return Matcher("language", LANGUAGE_NAMES.items())


# Membership states by the words staff use; "not a member" means no membership to record.
NO_MEMBERSHIP = ""
MEMBERSHIP_NAMES: dict[str, tuple[str, ...]] = {
    "active": ("active", "member", "jäsen", "aktiivinen", "medlem", "aktiv", "jäsenenä"),
    "pending": ("pending", "applied", "hakenut", "haettu", "hakemus", "odottaa", "ansökt"),
    "paused": ("paused", "tauolla", "keskeytetty", "pausad", "vilande"),
    "left": ("left", "eronnut", "lähtenyt", "entinen jäsen", "utträtt", "former member"),
    "declined": ("declined", "hylätty", "rejected", "avslagen", "nekad"),
    NO_MEMBERSHIP: ("none", "not a member", "ei jäsen", "ei", "no", "inte medlem", "ingen"),
}


def memberships() -> Matcher:
    return Matcher("membership", MEMBERSHIP_NAMES.items())


def topics(entries: Iterable[tuple[str, Iterable[str]]]) -> Matcher:
    """Topics by key or by any of their names (entries: key, names)."""
    return Matcher("topics", entries)
