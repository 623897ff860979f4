"""The layout's own words per language (the templates carry their body text themselves)."""

from __future__ import annotations

FOOTER: dict[str, dict[str, str]] = {
    "fi": {
        "brand": "Digituki",
        "tagline": "Digituen kumppaniverkosto",
        "sender": "Digituki, Digi- ja väestötietovirasto",
        "privacy": "Tietosuojaseloste",
        "accessibility": "Saavutettavuusseloste",
        "preferences": "Muuta tilausasetuksia",
        "unsubscribe": "Peru tilaus",
        "archive": "Lue selaimessa",
    },
    "sv": {
        "brand": "Digistöd",
        "tagline": "Digistödets partnernätverk",
        "sender": "Digistöd, Myndigheten för digitalisering och befolkningsdata",
        "privacy": "Dataskyddsbeskrivning",
        "accessibility": "Tillgänglighetsutlåtande",
        "preferences": "Ändra prenumerationen",
        "unsubscribe": "Avsluta prenumerationen",
        "archive": "Läs i webbläsaren",
    },
    "en": {
        # The programme's own name, also in English (its material names no other).
        "brand": "Digituki",
        "tagline": "The Digituki partner network",
        "sender": "Digituki, Digital and Population Data Services Agency",
        "privacy": "Privacy notice",
        "accessibility": "Accessibility statement",
        "preferences": "Change your subscription",
        "unsubscribe": "Unsubscribe",
        "archive": "Read in your browser",
    },
}


def text_footer(
    lang: str, base_url: str, *, transactional: bool, archive_url: str | None = None
) -> str:
    """The text part's footer; `{{ }}` parts are filled per recipient.

    Its links carry the mail's language (`?lang=`): the pages open in the recipient's
    language, not their browser's.
    """
    t = FOOTER[lang]
    lines = [
        "-- ",
        t["sender"],
        f"{t['privacy']}: {base_url}/privacy?lang={lang}",
        f"{t['accessibility']}: {base_url}/accessibility?lang={lang}",
    ]
    if archive_url:
        lines.append(f"{t['archive']}: {archive_url}")
    if not transactional:
        lines += [
            f"{t['preferences']}: {{{{ preferences_url }}}}",
            f"{t['unsubscribe']}: {{{{ unsubscribe_url }}}}",
        ]
    return "\n".join(lines)
