"""The words of a survey invitation (and reminder) mail, per language: staff may write their
own subject and message; the greeting uses the recipient's first name when there is one, and
the closing date is written as the recipient's language writes dates.

`{survey}` and `{closes}` in staff's texts become the survey's title and the closing date.
Plain Python (Babel formats the dates)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date

from surveys.errors import InvalidInput

LANGUAGES = ("fi", "sv", "en")
MAX_SUBJECT, MAX_BODY = 200, 5000
# fi and sv: 3.12.2026; en: 3 December 2026.
DATE_PATTERNS = {"fi": "d.M.yyyy", "sv": "d.M.yyyy", "en": "d MMMM yyyy"}
BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
GREETINGS = {
    "fi": ("Hei {name},", "Hei,"),
    "sv": ("Hej {name},", "Hej,"),
    "en": ("Hello {name},", "Hello,"),
}
BUTTONS = {"fi": "Vastaa kyselyyn", "sv": "Svara på enkäten", "en": "Answer the survey"}
INVITATION = {
    "fi": {
        "subject": "Kutsu kyselyyn: {survey}",
        "body": "Sinut on kutsuttu vastaamaan kyselyyn {survey}. Kysely sulkeutuu {closes}.",
    },
    "sv": {
        "subject": "Inbjudan till enkäten: {survey}",
        "body": "Du är inbjuden att svara på enkäten {survey}. Enkäten stänger {closes}.",
    },
    "en": {
        "subject": "Invitation to a survey: {survey}",
        "body": "You are invited to answer the survey {survey}. It closes on {closes}.",
    },
}
REMINDER = {
    "fi": {
        "subject": "Muistutus: {survey}",
        "body": "Muistutamme kyselystä {survey}. Ehdit vastata vielä {closes} asti.",
    },
    "sv": {
        "subject": "Påminnelse: {survey}",
        "body": "Vi påminner om enkäten {survey}. Du kan svara till och med {closes}.",
    },
    "en": {
        "subject": "Reminder: {survey}",
        "body": "A reminder about the survey {survey}. You can still answer until {closes}.",
    },
}


@dataclass(frozen=True, slots=True)
class InvitationMail:
    language: str
    subject: str
    greeting: str
    paragraphs: tuple[str, ...]
    button: str
    closes_on: str

    def variables(self) -> dict[str, Any]:
        """What the mail template fills in (besides survey_title and survey_url)."""
        return {
            "subject": self.subject,
            "greeting": self.greeting,
            "paragraphs": list(self.paragraphs),
            "button": self.button,
            "closes_on": self.closes_on,
        }


def format_day(day: date, lang: str) -> str:
    lang = lang if lang in LANGUAGES else "fi"
    return format_date(day, DATE_PATTERNS[lang], locale=BABEL_LOCALES[lang])


def greeting(lang: str, first_name: str | None) -> str:
    named, plain = GREETINGS.get(lang, GREETINGS["fi"])
    name = (first_name or "").strip()
    return named.replace("{name}", name) if name else plain


def compose(
    *,
    lang: str,
    first_name: str | None,
    survey_title: str,
    closes_on: date,
    own: Mapping[str, Mapping[str, str]] | None = None,
    reminder: bool = False,
) -> InvitationMail:
    """The mail in `lang`; staff's own texts (`own[lang]`) replace the default subject and
    message of an invitation (a reminder keeps its own words unless staff wrote a reminder
    text)."""
    lang = lang if lang in LANGUAGES else "fi"
    defaults = (REMINDER if reminder else INVITATION)[lang]
    written = (own or {}).get(lang, {})
    prefix = "reminder_" if reminder else ""
    subject = written.get(f"{prefix}subject") or defaults["subject"]
    body = written.get(f"{prefix}body") or defaults["body"]
    day = format_day(closes_on, lang)

    def fill(text: str) -> str:
        return text.replace("{survey}", survey_title).replace("{closes}", day)

    paragraphs = tuple(p.strip() for p in fill(body).split("\n\n") if p.strip())
    return InvitationMail(
        language=lang,
        subject=" ".join(fill(subject).split()),
        greeting=greeting(lang, first_name),
        paragraphs=paragraphs,
        button=BUTTONS[lang],
        closes_on=day,
    )


def clean_texts(raw: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Staff's texts from fields `subject_fi`, `body_fi`, … (empty = the default)."""
    out: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        texts: dict[str, str] = {}
        for part, limit in (("subject", MAX_SUBJECT), ("body", MAX_BODY)):
            value = (raw.get(f"{part}_{lang}") or "").replace("\r\n", "\n").strip()
            if len(value) > limit:
                raise InvalidInput(f"at most {limit} characters", field=f"{part}_{lang}")
            if part == "subject" and "\n" in value:
                raise InvalidInput("a subject is one line", field=f"{part}_{lang}")
            if value:
                texts[part] = value
        if texts:
            out[lang] = texts
    return out
