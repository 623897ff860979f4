"""Onboarding into the Facebook group: states, join codes, and matching pasted request lines.

Facebook offers no API for join requests (removed 22 April 2024), so admins copy the pending
requests by hand; the matcher turns those lines back into people.
"""

from __future__ import annotations

import re
import secrets
import statistics
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

from contacts.errors import Conflict

OnboardingState = Literal["not_invited", "invited", "requested", "approved", "declined", "left"]
Decision = Literal["approve", "decline"]
MatchMethod = Literal["code", "email", "name"]
Unmatched = Literal["expired_code", "reused_code", "unknown_code", "unknown", "empty", "ambiguous"]

# No 0/O, 1/I/L: a code read aloud or retyped from a phone cannot be confused.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_DIGITS = "23456789"
CODE_LENGTH = 8
NAME_THRESHOLD = 0.8

_CODE_TOKEN = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{4})[- ]?([0-9A-Za-z]{4})(?![0-9A-Za-z])")
_EMAIL = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+\.[^\s<>()\[\],;:\"']+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


def new_join_code() -> str:
    """Eight characters shown as XXXX-XXXX; at least two digits, so no name looks like one."""
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if sum(c in CODE_DIGITS for c in raw) >= 2:
            return f"{raw[:4]}-{raw[4:]}"


def codes_in(line: str) -> list[str]:
    """Code-like tokens of a line, normalised to XXXX-XXXX (a digit marks a code, not a name)."""
    found = []
    for first, second in _CODE_TOKEN.findall(line):
        token = (first + second).upper()
        if any(c.isdigit() for c in token):
            found.append(f"{token[:4]}-{token[4:]}")
    return found


def emails_in(line: str) -> list[str]:
    return [e.strip(".").lower() for e in _EMAIL.findall(line)]


@lru_cache(maxsize=65_536)  # candidates' names are normalised once per line otherwise
def normal_name(text: str) -> str:
    """Case-folded words without diacritics except the Nordic letters, in sorted order."""
    words = []
    for word in _WORD.findall(text.casefold()):
        kept = "".join(c for c in unicodedata.normalize("NFC", word) if c.isalpha() or c in "-'")
        words.append(kept)
    return " ".join(sorted(words))


def name_confidence(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return round(SequenceMatcher(None, a, b).ratio(), 2)


@dataclass(frozen=True)
class Onboarding:
    person_id: uuid.UUID
    state: OnboardingState = "not_invited"
    invited_at: datetime | None = None
    requested_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    left_at: datetime | None = None
    reminders_sent: int = 0
    last_reminded_at: datetime | None = None

    def invited(self, *, at: datetime) -> Onboarding:
        if self.state not in ("not_invited", "declined", "left", "invited"):
            raise Conflict(f"Cannot invite a person whose onboarding is {self.state}.")
        return replace(
            self,
            state="invited",
            invited_at=at,
            requested_at=None,
            decided_at=None,
            decided_by=None,
            left_at=None,
            reminders_sent=0,
            last_reminded_at=None,
        )

    def requested(self, *, at: datetime) -> Onboarding:
        """Seen among the group's pending requests; only an invitation moves forward."""
        if self.state != "invited":
            return self
        return replace(self, state="requested", requested_at=at)

    def decided(self, decision: Decision, *, at: datetime, by: str | None) -> Onboarding:
        target: OnboardingState = "approved" if decision == "approve" else "declined"
        if self.state == target:
            return self
        if self.state not in ("not_invited", "invited", "requested"):
            raise Conflict(f"Cannot {decision} a person whose onboarding is {self.state}.")
        # A line in the pending list is a request even if we never saw it as one before.
        return replace(
            self, state=target, requested_at=self.requested_at or at, decided_at=at, decided_by=by
        )

    def left(self, *, at: datetime) -> Onboarding:
        if self.state != "approved":
            raise Conflict("Only an approved member can leave the group.")
        return replace(self, state="left", left_at=at)

    def in_group(self, *, at: datetime, by: str | None) -> Onboarding:
        """Found on the group's member list: a member now, whatever we knew before."""
        if self.state == "approved":
            return self
        return replace(
            self,
            state="approved",
            requested_at=self.requested_at or at,
            decided_at=at,
            decided_by=by,
            left_at=None,
        )

    def reminded(self, *, at: datetime) -> Onboarding:
        return replace(self, reminders_sent=self.reminders_sent + 1, last_reminded_at=at)

    def due_for_reminder(self, *, now: datetime, after: timedelta, at_most: int) -> bool:
        """Invited, silent for `after` since the invitation or the last reminder, under the cap."""
        if self.state != "invited" or self.reminders_sent >= at_most:
            return False
        since = self.last_reminded_at or self.invited_at
        return since is not None and now - since >= after


@dataclass(frozen=True)
class JoinCode:
    code: str
    person_id: uuid.UUID
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True)
class Candidate:
    """A person the name matcher may pick."""

    person_id: uuid.UUID
    name: str


@dataclass(frozen=True)
class LineMatch:
    line: str
    person_id: uuid.UUID | None = None
    method: MatchMethod | None = None
    confidence: float = 0.0
    reason: Unmatched | None = None
    code: str | None = None
    note: str | None = None
    # An ambiguous line: everyone it matches equally well, for staff to choose from (never
    # chosen for them).
    candidates: tuple[uuid.UUID, ...] = ()


def _code_problem(
    codes: list[str], known: Mapping[str, JoinCode], seen: set[str], now: datetime
) -> tuple[LineMatch | None, Unmatched | None, str | None]:
    """A match for the first good code, else the reason the codes failed."""
    problem: Unmatched | None = None
    for code in codes:
        found = known.get(code)
        if found is None:
            problem = problem or "unknown_code"
        elif found.used_at is not None or code in seen:
            problem = "reused_code"
        elif found.expires_at <= now:
            problem = "expired_code"
        else:
            seen.add(code)
            return LineMatch("", found.person_id, "code", 1.0, code=code), None, code
    return None, problem, codes[0] if codes else None


def match_line(
    line: str,
    *,
    codes: Mapping[str, JoinCode],
    emails: Mapping[str, uuid.UUID],
    candidates: Sequence[Candidate],
    now: datetime,
    seen_codes: set[str],
) -> LineMatch:
    """Exact code first, then email, then the most similar name above the threshold."""
    text = line.strip()
    if not text:
        return LineMatch(line, reason="empty")
    by_code, problem, code = _code_problem(codes_in(text), codes, seen_codes, now)
    if by_code is not None:
        return replace(by_code, line=text)
    note = problem
    for email in emails_in(text):
        if email in emails:
            return LineMatch(text, emails[email], "email", 1.0, code=code, note=note)
    words = _CODE_TOKEN.sub(
        lambda m: " " if any(c.isdigit() for c in m.group(0)) else m.group(0),
        _EMAIL.sub(" ", text),
    )
    wanted = normal_name(words)
    best = 0.0
    top: list[Candidate] = []
    for candidate in candidates if wanted else ():
        matcher = SequenceMatcher(None, wanted, normal_name(candidate.name))
        # Cheap upper bounds first: most candidates are far off, and a paste has many lines.
        floor = max(best, NAME_THRESHOLD) - 0.005
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        score = round(matcher.ratio(), 2)
        if score > best:
            best, top = score, [candidate]
        elif score == best:
            top.append(candidate)
    if best < NAME_THRESHOLD or not top:
        return LineMatch(text, reason=problem or "unknown", code=code)
    if len(top) > 1:
        # Two people fit the line equally well (the same name, often the same organisation):
        # the matcher never guesses; staff choose, or nobody is picked.
        ids = tuple(sorted({c.person_id for c in top}))
        if len(ids) > 1:
            return LineMatch(text, confidence=best, reason="ambiguous", code=code, candidates=ids)
    return LineMatch(text, top[0].person_id, "name", best, code=code, note=note)


def match_lines(
    lines: Iterable[str],
    *,
    codes: Mapping[str, JoinCode],
    emails: Mapping[str, uuid.UUID],
    candidates: Sequence[Candidate],
    now: datetime,
) -> list[LineMatch]:
    """Every non-blank line in order; a code used twice in one paste counts as reused."""
    seen: set[str] = set()
    return [
        match_line(
            line, codes=codes, emails=emails, candidates=candidates, now=now, seen_codes=seen
        )
        for line in lines
        if line.strip()
    ]


@dataclass(frozen=True)
class FunnelStep:
    invited: int
    requested: int
    approved: int
    median_hours_to_request: float | None
    median_hours_to_approval: float | None
    # Approved and gone again since (counted among the approved too: they did get in).
    left: int = 0


def funnel_of(rows: Sequence[Onboarding]) -> FunnelStep:
    """Counts reach each step; medians over those who took it (invited→requested→approved);
    `left` counts the approved who have left the group since."""
    invited = [r for r in rows if r.invited_at is not None]
    requested = [r for r in invited if r.requested_at is not None]
    approved = [r for r in requested if r.state in ("approved", "left") and r.decided_at]

    def hours(pairs: list[tuple[datetime, datetime]]) -> float | None:
        if not pairs:
            return None
        return round(statistics.median((b - a).total_seconds() / 3600 for a, b in pairs), 2)

    return FunnelStep(
        invited=len(invited),
        requested=len(requested),
        approved=len(approved),
        median_hours_to_request=hours(
            [(r.invited_at, r.requested_at) for r in requested]  # type: ignore[misc]
        ),
        median_hours_to_approval=hours(
            [(r.requested_at, r.decided_at) for r in approved]  # type: ignore[misc]
        ),
        left=sum(r.state == "left" for r in approved),
    )
