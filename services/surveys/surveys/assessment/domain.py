"""The self-assessment test in plain Python: competence areas, points per answer, score bands,
feedback, the change between two attempts and the suppression of small groups.

A definition is kept as JSON (`Definition.parse` checks one, `to_json` writes one back); every
text a respondent reads is given in Finnish, Swedish and English.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("fi", "sv", "en")
MODES = ("anonymous", "identified")
MIN_GROUP = 5  # aggregates of fewer attempts are not shown
MAX_POINTS = 10  # points of one answer choice: 0 ... MAX_POINTS
MAX_AREAS = 12
MAX_QUESTIONS = 60
MAX_CHOICES = 6
MAX_TEXT = 2000
WEAKEST_SHOWN = 2  # the areas that get upcoming events on the result page


class DefinitionError(ValueError):
    """The definition breaks a rule; `where` names the part (for the form's error list)."""

    def __init__(self, message: str, *, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where


@dataclass(frozen=True, slots=True)
class Band:
    key: str
    low: int  # percent, inclusive
    high: int  # percent, inclusive


# Score bands of an area, by its share of the area's maximum points.
BANDS = (Band("low", 0, 39), Band("mid", 40, 69), Band("high", 70, 100))
BAND_KEYS = tuple(b.key for b in BANDS)


def band_of(percent: int) -> str:
    for band in BANDS:
        if band.low <= percent <= band.high:
            return band.key
    raise ValueError(f"percent out of range: {percent}")


def percent_of(points: int, max_points: int) -> int:
    """Whole percent, halves rounded up (so 2 of 3 points is 67 %, 1 of 8 is 13 %)."""
    if max_points <= 0:
        return 0
    return (200 * points + max_points) // (2 * max_points)


Texts = dict[str, str]  # by language


def text_in(texts: Mapping[str, str], lang: str) -> str:
    """The text in `lang`, else the Finnish one."""
    return texts.get(lang) or texts.get("fi") or ""


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    text: Texts
    points: int


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    area: str
    text: Texts
    choices: tuple[Choice, ...]

    @property
    def max_points(self) -> int:
        return max(c.points for c in self.choices)


@dataclass(frozen=True, slots=True)
class Feedback:
    text: Texts
    link: str = ""


@dataclass(frozen=True, slots=True)
class Area:
    key: str
    name: Texts
    feedback: dict[str, Feedback]  # by band key


@dataclass(frozen=True, slots=True)
class Definition:
    title: Texts
    intro: Texts
    areas: tuple[Area, ...]
    questions: tuple[Question, ...]
    events_url: str = ""

    def area(self, key: str) -> Area:
        for a in self.areas:
            if a.key == key:
                return a
        raise KeyError(key)

    def questions_of(self, area: str) -> list[Question]:
        return [q for q in self.questions if q.area == area]

    @classmethod
    def parse(cls, raw: Any) -> Definition:
        if not isinstance(raw, Mapping):
            raise DefinitionError("The definition must be an object.")
        title = _texts(raw.get("title"), "title", required=True)
        intro = _texts(raw.get("intro"), "intro")
        events_url = _link(raw.get("events_url"), "events_url")
        areas = tuple(_area(a, i) for i, a in enumerate(_list(raw.get("areas"), "areas")))
        if not areas:
            raise DefinitionError("Add at least one competence area.", where="areas")
        if len(areas) > MAX_AREAS:
            raise DefinitionError(f"At most {MAX_AREAS} competence areas.", where="areas")
        keys = [a.key for a in areas]
        if len(set(keys)) != len(keys):
            raise DefinitionError("Two competence areas have the same name.", where="areas")
        raw_questions = _list(raw.get("questions"), "questions")
        if len(raw_questions) > MAX_QUESTIONS:
            raise DefinitionError(f"At most {MAX_QUESTIONS} questions.", where="questions")
        questions = tuple(_question(q, i, set(keys)) for i, q in enumerate(raw_questions))
        ids = [q.id for q in questions]
        if len(set(ids)) != len(ids):
            raise DefinitionError("Two questions have the same id.", where="questions")
        for a in areas:
            if not any(q.area == a.key for q in questions):
                raise DefinitionError(
                    f"The competence area {a.name['fi']!r} has no questions.",
                    where=f"area-{a.key}",
                )
        return cls(title, intro, areas, questions, events_url)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": dict(self.title),
            "intro": dict(self.intro),
            "events_url": self.events_url,
            "areas": [
                {
                    "key": a.key,
                    "name": dict(a.name),
                    "feedback": {
                        b: {"text": dict(f.text), "link": f.link} for b, f in a.feedback.items()
                    },
                }
                for a in self.areas
            ],
            "questions": [
                {
                    "id": q.id,
                    "area": q.area,
                    "text": dict(q.text),
                    "choices": [
                        {"id": c.id, "text": dict(c.text), "points": c.points} for c in q.choices
                    ],
                }
                for q in self.questions
            ],
        }


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DefinitionError("Must be a list.", where=where)
    return value


def _texts(value: Any, where: str, *, required: bool = False) -> Texts:
    """Texts by language; with `required` the Finnish, Swedish and English ones all."""
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        raise DefinitionError("Texts are given by language.", where=where)
    out: Texts = {}
    for lang in LANGUAGES:
        text = value.get(lang, "")
        if not isinstance(text, str):
            raise DefinitionError("A text must be a string.", where=where)
        text = text.strip()
        if len(text) > MAX_TEXT:
            raise DefinitionError(f"At most {MAX_TEXT} characters.", where=where)
        if required and not text:
            raise DefinitionError(
                "Give the text in Finnish, Swedish and English.", where=f"{where}-{lang}"
            )
        if text:
            out[lang] = text
    return out


def _link(value: Any, where: str) -> str:
    link = (value or "").strip() if isinstance(value, str) or value is None else None
    if link is None:
        raise DefinitionError("A link must be a string.", where=where)
    if link and not re.fullmatch(r"https?://[^\s<>\"']{1,500}", link):
        raise DefinitionError("A link starts with https:// or http://.", where=where)
    return link


def slug(text: str) -> str:
    """A key made of a name: "Laitteet ja yhteydet" -> "laitteet_ja_yhteydet"."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:40]


def _area(raw: Any, index: int) -> Area:
    where = f"area-{index}"
    if not isinstance(raw, Mapping):
        raise DefinitionError("A competence area must be an object.", where=where)
    name = _texts(raw.get("name"), f"{where}-name", required=True)
    key = str(raw.get("key") or "").strip() or slug(name["fi"])
    if not re.fullmatch(r"[a-z0-9_]{1,40}", key):
        raise DefinitionError("A competence area's key is a-z, 0-9 and _.", where=where)
    feedback_raw = raw.get("feedback") or {}
    if not isinstance(feedback_raw, Mapping):
        raise DefinitionError("Feedback is given by score band.", where=where)
    feedback = {}
    for band in BAND_KEYS:
        f = feedback_raw.get(band) or {}
        if not isinstance(f, Mapping):
            raise DefinitionError("Feedback is an object.", where=f"{where}-{band}")
        feedback[band] = Feedback(
            text=_texts(f.get("text"), f"{where}-{band}-text", required=True),
            link=_link(f.get("link"), f"{where}-{band}-link"),
        )
    return Area(key=key, name=name, feedback=feedback)


def _question(raw: Any, index: int, areas: set[str]) -> Question:
    where = f"q-{index}"
    if not isinstance(raw, Mapping):
        raise DefinitionError("A question must be an object.", where=where)
    qid = str(raw.get("id") or "").strip()
    if not re.fullmatch(r"[a-z0-9_]{1,40}", qid):
        raise DefinitionError("A question's id is a-z, 0-9 and _.", where=where)
    area = raw.get("area")
    if area not in areas:
        raise DefinitionError("Choose the question's competence area.", where=f"{where}-area")
    text = _texts(raw.get("text"), f"{where}-text", required=True)
    raw_choices = _list(raw.get("choices"), f"{where}-choices")
    if not 2 <= len(raw_choices) <= MAX_CHOICES:
        raise DefinitionError(
            f"A question has 2 to {MAX_CHOICES} answer choices.", where=f"{where}-choices"
        )
    choices = []
    for k, c in enumerate(raw_choices):
        cwhere = f"{where}-c{k}"
        if not isinstance(c, Mapping):
            raise DefinitionError("An answer choice must be an object.", where=cwhere)
        points = c.get("points")
        if isinstance(points, bool) or not isinstance(points, int):
            raise DefinitionError("Points are a whole number.", where=f"{cwhere}-points")
        if not 0 <= points <= MAX_POINTS:
            raise DefinitionError(f"Points are 0 to {MAX_POINTS}.", where=f"{cwhere}-points")
        choices.append(
            Choice(
                id=str(c.get("id") or f"c{k}"),
                text=_texts(c.get("text"), f"{cwhere}-text", required=True),
                points=points,
            )
        )
    if len({c.id for c in choices}) != len(choices):
        raise DefinitionError("Two answer choices have the same id.", where=f"{where}-choices")
    if max(c.points for c in choices) == 0:
        raise DefinitionError("At least one answer choice gives points.", where=where)
    return Question(id=qid, area=area, text=text, choices=tuple(choices))


# --- scoring -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AreaScore:
    area: str
    points: int
    max_points: int

    @property
    def percent(self) -> int:
        return percent_of(self.points, self.max_points)

    @property
    def band(self) -> str:
        return band_of(self.percent)


@dataclass(frozen=True, slots=True)
class Scored:
    scores: dict[str, AreaScore] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # question ids without a valid answer

    def percents(self) -> dict[str, int]:
        return {k: s.percent for k, s in self.scores.items()}


def score(definition: Definition, answers: Mapping[str, str]) -> Scored:
    """Points per area from the chosen choice of every question; every question is required."""
    missing = []
    points = {a.key: 0 for a in definition.areas}
    maxima = {a.key: 0 for a in definition.areas}
    for q in definition.questions:
        chosen = next((c for c in q.choices if c.id == answers.get(q.id)), None)
        if chosen is None:
            missing.append(q.id)
            continue
        points[q.area] += chosen.points
        maxima[q.area] += q.max_points
    if missing:
        return Scored(missing=missing)
    return Scored(
        scores={k: AreaScore(area=k, points=points[k], max_points=maxima[k]) for k in points}
    )


def change(previous: Mapping[str, int] | None, current: Mapping[str, int]) -> dict[str, int | None]:
    """Percentage points gained (+) or lost (-) per area; None for an area the earlier attempt
    did not have (added since) or with no earlier attempt at all."""
    return {
        area: (now - previous[area]) if previous is not None and area in previous else None
        for area, now in current.items()
    }


def weakest(percents: Mapping[str, int], *, limit: int = WEAKEST_SHOWN) -> list[str]:
    """The areas below the top band, lowest first (ties in the definition's order)."""
    below = [(p, i, a) for i, (a, p) in enumerate(percents.items()) if band_of(p) != BAND_KEYS[-1]]
    return [a for _, _, a in sorted(below)[:limit]]


# --- aggregates ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupFigures:
    group: str
    attempts: int
    averages: dict[str, int]  # whole percent per area


@dataclass(frozen=True, slots=True)
class Aggregates:
    groups: list[GroupFigures]
    hidden_groups: int  # groups with fewer than MIN_GROUP attempts, not shown
    total: GroupFigures | None  # everyone, when at least MIN_GROUP


def _average(rows: Sequence[Mapping[str, int]], areas: Sequence[str]) -> dict[str, int]:
    out = {}
    for area in areas:
        values = [r[area] for r in rows if area in r]
        if values:
            out[area] = (2 * sum(values) + len(values)) // (2 * len(values))
    return out


def aggregate(
    rows: Iterable[tuple[str | None, Mapping[str, int]]],
    areas: Sequence[str],
    *,
    min_group: int = MIN_GROUP,
) -> Aggregates:
    """Average percent per area by group; a group (the unknown one too) of fewer than
    `min_group` attempts is counted as hidden, never shown."""
    by_group: dict[str, list[Mapping[str, int]]] = {}
    everyone: list[Mapping[str, int]] = []
    for group, percents in rows:
        by_group.setdefault(group or "", []).append(percents)
        everyone.append(percents)
    shown = []
    hidden = 0
    for group in sorted(by_group):
        members = by_group[group]
        if len(members) < min_group:
            hidden += 1
            continue
        shown.append(GroupFigures(group, len(members), _average(members, areas)))
    total = (
        GroupFigures("", len(everyone), _average(everyone, areas))
        if len(everyone) >= min_group
        else None
    )
    return Aggregates(groups=shown, hidden_groups=hidden, total=total)
