"""Which language a public page speaks: the page's switch, the person's, a cookie, the browser."""

from __future__ import annotations

import pytest
from starlette.requests import Request
from surveys.pages import respondent_language

from shared.i18n import page_language


def request(query: str = "", accept: str = "", cookie: str = "") -> Request:
    headers = [(b"accept-language", accept.encode())] if accept else []
    if cookie:
        headers.append((b"cookie", f"dt_lang={cookie}".encode()))
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/s/x",
            "query_string": query.encode(),
            "headers": headers,
        }
    )


@pytest.mark.parametrize(
    ("chosen", "person", "remembered", "accept", "expected"),
    [
        (None, "sv", None, "fi-FI", "sv"),  # the mail's language beats the browser's
        (None, "sv", "fi", "en", "sv"),  # ... and an earlier choice on this browser
        ("en", "sv", "fi", "fi-FI", "en"),  # a switch on the page beats them all
        (None, None, "en", "fi-FI", "en"),  # no person: the earlier choice
        (None, None, None, "sv-FI,sv;q=0.9", "sv"),  # nothing else: the browser
        ("de", "xx", "yy", "", "fi"),  # unknown values are ignored; Finnish by default
    ],
)
def test_page_language_prefers_the_page_switch_then_the_person(
    chosen: str | None, person: str | None, remembered: str | None, accept: str, expected: str
) -> None:
    got = page_language(chosen=chosen, person=person, remembered=remembered, accept_language=accept)
    assert got == expected


def test_survey_answer_page_speaks_the_invitations_language_not_the_browsers() -> None:
    assert respondent_language(request(accept="fi-FI,fi;q=0.9"), "sv") == "sv"
    assert respondent_language(request(accept="fi", cookie="en"), "sv") == "sv"
    assert respondent_language(request("lang=en", accept="fi"), "sv") == "en"
    assert respondent_language(request(accept="sv"), None) == "sv"  # the open link: no person
