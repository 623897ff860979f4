"""The fast fill (body encoded once per template, personal values spliced in) against the
reference path it replaces (Jinja fill, the whole body quoted-printable encoded per mail):
for any values, the same message once decoded, encoded lines within RFC 2045's 76
characters, no line SMTP would have to dot-stuff."""

from __future__ import annotations

import binascii
import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jinja2 import Environment, StrictUndefined, UndefinedError
from newsletter.campaigns.domain import parse_content
from newsletter.delivery.compose import CampaignInfo, Composer
from newsletter.delivery.session import wire_data
from newsletter.mail.message import Headers, WireReady, build_encoded, build_message
from newsletter.mail.splice import Encoded, chunk, plan_of, qp
from newsletter.mail.templates import Compiled, MailTemplates
from newsletter.settings import NewsletterSettings

BASE = "https://digituki.example"
PARAGRAPH = "Digitaitoviikko kokoaa jälleen yhteen digituen tekijät eri puolilta Suomea. " * 3
CONTENT = {
    "fi": {
        "subject": "Uutiskirje, {{ first_name }}",
        "preheader": "Hei {{ first_name }}",
        "blocks": [
            {"type": "heading", "text": "Hei {{ first_name }} {{ last_name }}!"},
            {"type": "text", "text": PARAGRAPH + "\n\n{{ organisation_name }} ({{ region }})"},
            {"type": "text", "text": ".piste rivin alussa\n. \n.\nloppuu välilyöntiin \n=yhtä"},
            {"type": "button", "text": "Ilmoittaudu, {{ first_name }}", "url": "https://x.fi/w"},
            {"type": "divider"},
            {"type": "text", "text": PARAGRAPH + "{{ first_name }}" + PARAGRAPH},
        ],
    }
}  # fmt: skip
# Names as people have them, and values meant to break an encoder: long ones, "=" and ".",
# spaces and tabs at the ends, characters outside the BMP, markup, controls.
VALUE = st.text(
    alphabet=st.characters(
        codec="utf-8",
        categories=("L", "M", "N", "P", "S", "Zs", "Cc"),
        exclude_characters="\r\n",
    ),
    max_size=200,
) | st.sampled_from(["", " ", "\t", ".", "..", "=", "= ", "Åke Ärrä-Öljy", "a" * 300, "é" * 90])
VARIABLES = st.fixed_dictionaries(
    {"first_name": VALUE, "last_name": VALUE, "organisation_name": VALUE, "region": VALUE}
)


@pytest.fixture(scope="module")
def compiled() -> Compiled:
    variants = parse_content(CONTENT, "fi")
    return MailTemplates(base_url=BASE).campaign("c", 1, "fi", variants["fi"])


def headers() -> Headers:
    return Headers(
        message_id=f"<{uuid.UUID(int=7)}@digituki.example>",
        from_addr="uutiskirje@digituki.example",
        from_name="Digituki",
        to_addr="aino@example.fi",
        to_name="Aino Virtanen",
        language="fi",
        feedback_id="c:campaign:newsletter:digituki",
        date=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        unsubscribe=(f"{BASE}/unsubscribe/t", "mailto:unsubscribe+t@digituki.example"),
    )


def personal(variables: dict[str, str]) -> dict[str, str]:
    return {**variables, "unsubscribe_url": f"{BASE}/u/x", "preferences_url": f"{BASE}/p/y"}


def decoded(message: bytes) -> list[bytes]:
    parsed = message_from_bytes(message, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return [bytes(p.get_payload(decode=True)) for p in parsed.iter_parts()]


def check_lines(encoded: bytes) -> None:
    for line in encoded.split(b"\r\n"):
        assert len(line) <= 76, line
        assert not line.startswith(b"."), line
    assert b"\r" not in encoded.replace(b"\r\n", b"")
    assert b"\n" not in encoded.replace(b"\r\n", b"")


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(variables={"first_name": "", "last_name": "", "organisation_name": "", "region": ""})
@example(
    variables={
        "first_name": "x" * 75,
        "last_name": ".",
        "organisation_name": " ",
        "region": "=" * 40,
    }
)
@given(variables=VARIABLES)
def test_spliced_message_decodes_to_what_the_reference_path_sends(
    compiled: Compiled, variables: dict[str, str]
) -> None:
    values = personal(variables)
    assert compiled.text_body is not None and compiled.html_body is not None
    text, html = compiled.text_body.encode(values), compiled.html_body.encode(values)
    assert text is not None and html is not None
    spliced = build_encoded(headers(), compiled.fill_subject(values), text, html)
    reference = build_message(headers(), compiled.fill(values))
    assert decoded(spliced) == decoded(reference)
    assert binascii.a2b_qp(text) == binascii.a2b_qp(qp(compiled.fill(values).text))
    assert binascii.a2b_qp(html) == binascii.a2b_qp(qp(compiled.fill(values).html))
    assert message_from_bytes(spliced)["Subject"] == message_from_bytes(reference)["Subject"]
    check_lines(text)
    check_lines(html)
    # Sent as it is: SMTP neither fixes line ends nor stuffs dots, and gets the same bytes.
    assert isinstance(spliced, WireReady)
    assert wire_data(spliced) == wire_data(bytes(spliced))


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab .=\té\t\n"), max_size=400), last=st.booleans())
def test_a_chunk_decodes_to_its_text_and_ends_where_the_next_can_start(
    text: str, last: bool
) -> None:
    encoded = chunk(text, last=last)
    check_lines(encoded)
    assert binascii.a2b_qp(encoded).replace(b"\r\n", b"\n") == text.encode()


@pytest.mark.parametrize("value", ["Aino\r\nVirtanen", "Aino\nVirtanen", "Aino\r"])
def test_a_value_with_a_line_break_takes_the_reference_path(compiled: Compiled, value: str) -> None:
    assert compiled.html_body is not None
    names = {"first_name": value, "last_name": "", "organisation_name": "", "region": ""}
    assert compiled.html_body.encode(personal(names)) is None


def test_a_missing_variable_still_fails_loudly(compiled: Compiled) -> None:
    assert compiled.text_body is not None
    with pytest.raises(UndefinedError):
        compiled.text_body.encode({"first_name": "Aino"})


def test_templates_that_do_more_than_substitute_are_left_to_jinja() -> None:
    env = Environment(autoescape=True, undefined=StrictUndefined)
    assert plan_of(env, "Hei {{ name }} {{ _lit[0] }}", ["<b>"]) is not None
    assert plan_of(env, "{% if name %}Hei{% endif %}", []) is None
    assert plan_of(env, "{{ name | upper }}", []) is None
    assert plan_of(env, "{{ range }}", []) is None
    plan = plan_of(env, "Hei {{ name }} {{ _lit[0] }}", ["<b>"])
    assert plan is not None and plan.fill({"name": "<i>"}) == "Hei &lt;i&gt; &lt;b&gt;"
    crlf = plan_of(env, "a\r\nb {{ name }}", [])
    assert crlf is not None and Encoded.of(crlf) is not None  # Jinja made it "\n"
    cr = plan_of(env, "{{ _lit[0] }} {{ name }}", ["a\rb"])
    assert cr is not None and Encoded.of(cr) is None


def _settings() -> NewsletterSettings:
    return NewsletterSettings(
        environment="development",
        database_url="postgresql+asyncpg://x@localhost/x",
        secret_key="k" * 40,
        public_base_url=BASE,
    )


def _row(first_name: str, **extra: Any) -> Any:
    from types import SimpleNamespace

    return SimpleNamespace(
        id=uuid.UUID(int=1), origin="campaign", origin_id="c", contact_id=uuid.UUID(int=2),
        to_email="aino@example.fi", to_name=f"{first_name} V", attempts=1, origin_label="c",
        origin_group=None, language="fi", template_key=None,
        variables={"first_name": first_name, "last_name": "V",
                   "organisation_name": "Kirjasto", "region": "Uusimaa", **extra},
    )  # fmt: skip


@pytest.mark.parametrize("tracking", [False, True])
@pytest.mark.parametrize("first_name", ["Aino", "Åke\nÄ"])
def test_composer_mails_are_the_same_whichever_path_built_them(
    tracking: bool, first_name: str
) -> None:
    settings_ = _settings()
    composer = Composer(settings_, MailTemplates(base_url=BASE))
    info = CampaignInfo.of(
        {"id": uuid.UUID(int=3), "version": 1, "content": CONTENT, "default_language": "fi",
         "tracking": tracking}
    )  # fmt: skip
    job = composer.job(_row(first_name), info)
    parts = decoded(job.data)
    assert f"Hei {first_name} V!".encode() in parts[0].replace(b"\r\n", b"\n")
    assert isinstance(job.data, WireReady) == (not tracking and "\n" not in first_name)


def test_a_person_without_a_field_the_mail_shows_gets_it_dropped_with_its_space() -> None:
    """The composer's merge default ("Hei!", not "Hei !") edits the text around the value,
    so that mail takes the reference path; the others keep the spliced one."""
    composer = Composer(_settings(), MailTemplates(base_url=BASE))
    info = CampaignInfo.of(
        {"id": uuid.UUID(int=3), "version": 1, "content": CONTENT, "default_language": "fi",
         "tracking": False}
    )  # fmt: skip
    job = composer.job(_row("", organisation_name=""), info)
    body = decoded(job.data)[0].decode()
    assert not isinstance(job.data, WireReady)
    assert "Hei V!" in body and "Hei  V" not in body and "\ue000" not in body


def test_a_spliced_mail_signed_with_dkim_verifies(compiled: Compiled) -> None:
    import base64

    import dkim
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from newsletter.mail.message import Dkim

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    txt = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    values = personal(
        {"first_name": "Åke", "last_name": ".", "organisation_name": "", "region": ""}
    )
    assert compiled.text_body is not None and compiled.html_body is not None
    text, html = compiled.text_body.encode(values), compiled.html_body.encode(values)
    assert text is not None and html is not None
    signer = Dkim(selector="s1", domain="digituki.example", private_key=pem)
    signed = build_encoded(headers(), compiled.fill_subject(values), text, html, signer=signer)
    assert isinstance(signed, WireReady) and signed.startswith(b"DKIM-Signature:")

    def dns(name: bytes, timeout: int = 5) -> bytes:
        return txt if name == b"s1._domainkey.digituki.example." else b""

    assert dkim.verify(bytes(signed), dnsfunc=dns)
    changed = bytes(signed).replace(b"=C3=85ke", b"=C3=84ke", 1)  # Åke -> Äke in the body
    assert changed != signed
    assert not dkim.verify(changed, dnsfunc=dns)


def test_the_region_reads_as_its_name_not_the_code_the_replica_keeps() -> None:
    composer = Composer(_settings(), MailTemplates(base_url=BASE))
    info = CampaignInfo.of(
        {"id": uuid.UUID(int=3), "version": 1, "content": CONTENT, "default_language": "fi",
         "tracking": False}
    )  # fmt: skip
    body = decoded(composer.job(_row("Aino", region="06"), info).data)[0].decode()
    assert "Kirjasto (Pirkanmaa)" in body and "(06)" not in body
