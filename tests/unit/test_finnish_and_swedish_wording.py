"""Known-bad Finnish and Swedish forms do not come back (catalogs, mails, legal texts).

The programme is "Digituki" in Finnish (genitive "Digituen", never "Digitukin") and
"Digistöd" in Swedish (never "Digituki" or "Digitukis"); a start button says "Aloita" (a verb),
never the noun "Alku".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from shared.i18n import SHARED_LOCALE, translator

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("contacts", "newsletter", "surveys")
CATALOGS = sorted(
    p
    for p in [*ROOT.glob("services/*/*/locale/*/LC_MESSAGES/*.po"), *SHARED_LOCALE.rglob("*.po")]
    if ".venv" not in p.parts
)
MAILS = ROOT / "services" / "newsletter" / "newsletter" / "templates" / "mail"
LEGAL = ROOT / "services" / "contacts" / "contacts" / "legal" / "data"
# Wrong forms, each with why it is wrong. "digituki@dvv.fi" (lower case) is an address.
BAD = {
    "fi": {
        r"Digitukin\b": 'the genitive of "Digituki" is "Digituen"',
        r"Digitukis\b": "not Finnish",
        r"Digitukiin\b": 'the illative of "Digituki" is "Digitukeen"',
        r"^Alku$": 'a start button is "Aloita"; a date column "Alkupäivä"',
    },
    "sv": {
        r"Digituki": 'the programme is "Digistöd" in Swedish',
        r"Digitukis\b": 'the programme is "Digistöd" in Swedish',
    },
}


def _lang_of(path: Path) -> str:
    parts = path.parts
    return parts[parts.index("LC_MESSAGES") - 1] if "LC_MESSAGES" in parts else path.parent.name


def _texts() -> list[tuple[str, str, str]]:
    """(language, where, text) of every catalog string, mail and legal text in fi or sv."""
    found: list[tuple[str, str, str]] = []
    for path in CATALOGS:
        lang = _lang_of(path)
        with path.open("rb") as f:
            for message in read_po(f):
                if message.id and isinstance(message.string, str) and message.string:
                    found.append(
                        (lang, f"{path.relative_to(ROOT)}: {message.id!r}", message.string)
                    )
    for lang in ("fi", "sv"):
        for mail in sorted((MAILS / lang).glob("*.mjml")):
            found.append((lang, str(mail.relative_to(ROOT)), mail.read_text()))
        for legal in sorted(LEGAL.glob(f"*_{lang}.md")):
            found.append((lang, str(legal.relative_to(ROOT)), legal.read_text()))
    return found


def test_there_are_finnish_and_swedish_catalogs_to_check() -> None:
    langs = {_lang_of(p) for p in CATALOGS}
    assert {"fi", "sv"} <= langs and len(CATALOGS) >= 20


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_no_known_bad_form_in_catalogs_mails_or_legal_texts(lang: str) -> None:
    problems = [
        f"{where}: {text.strip()[:80]!r} ({why})"
        for text_lang, where, text in _texts()
        if text_lang == lang
        for pattern, why in BAD[lang].items()
        if re.search(pattern, text.strip(), re.MULTILINE)
    ]
    assert problems == []


def test_the_checks_catch_the_forms_they_are_for() -> None:
    def caught(lang: str, text: str) -> bool:
        return any(re.search(p, text, re.MULTILINE) for p in BAD[lang])

    assert caught("fi", "Tilaa Digitukin uutiskirje") and caught("fi", "Alku")
    assert not caught("fi", "Tilaa Digituen uutiskirje") and not caught("fi", "Alkupäivä")
    assert caught("sv", "Digitukis nyhetsbrev") and caught("sv", "Gå med i Digituki")
    assert not caught("sv", "Skriv till digituki@dvv.fi")


_BUTTON = re.compile(r'<button\b[^>]*>\s*{{\s*_\("([^"]+)"\)\s*}}\s*</button>')


@pytest.mark.parametrize("service", SERVICES)
def test_buttons_say_what_they_do_in_finnish(service: str) -> None:
    """A button's Finnish label is a verb phrase: not one of the nouns that crept in."""
    package = ROOT / "services" / service / service
    _ = translator((package / "locale", SHARED_LOCALE), "fi")
    templates = [
        *(package / "templates").rglob("*.html"),
        *(ROOT / "shared/web/templates").rglob("*.html"),
    ]
    labels = {m for path in templates for m in _BUTTON.findall(path.read_text())}
    assert labels, "no buttons found: the pattern is out of date"
    nouns = {"Alku", "Loppu", "Aloitus", "Lähetys", "Tallennus", "Poisto"}
    assert sorted(label for label in labels if _(label) in nouns) == []
