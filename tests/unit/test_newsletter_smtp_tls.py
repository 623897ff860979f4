"""The sender's own SMTP session with a production relay: STARTTLS and implicit TLS with a
checked certificate, AUTH PLAIN and LOGIN, pipelining kept over TLS. Against real
(in-process) aiosmtpd servers with certificates made by the test. A TLS or login failure
stops the sending, not the recipients: the mails are held (never bounced, the attempt not
counted), the relay is tried once, not once per mail, and the password shows nowhere."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP as SmtpServer
from newsletter.delivery.domain import Result
from newsletter.delivery.ratelimit import Limits
from newsletter.delivery.relay import Relay, SmtpAuthError, SmtpSecurityError, TlsMode
from newsletter.delivery.service import Attempt
from newsletter.delivery.session import Session
from newsletter.delivery.smtp import Job, SmtpPool
from prometheus_client import REGISTRY
from pydantic import SecretStr

from tests.support.certs import Authority, make_authority, server_context
from tests.support.smtp_relay import PASSWORD, PLAINTEXT_ONLY, USER, StartRelay, relays

MAIL = b"Subject: hi\r\n\r\nover TLS\r\n"


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    return make_authority(tmp_path)


@pytest.fixture
async def start_server() -> AsyncIterator[StartRelay]:
    async with relays() as start:
        yield start


def _relay(port: int, tls: TlsMode, authority: Authority | None, **kw: Any) -> Relay:
    return Relay(
        host="127.0.0.1",
        port=port,
        tls=tls,
        username=kw.get("username", USER),
        password=SecretStr(kw.get("password", PASSWORD)),
        ca_file=str(authority.pem_path) if authority else "",
    )


def _pool(relay: Relay, results: list[Result], **kw: Any) -> SmtpPool:
    return SmtpPool(
        relay=relay,
        connections=kw.get("connections", 1),
        timeout_s=5,
        limits=Limits(0, 0),
        done=lambda _, result: results.append(result),
        pause_s=kw.get("pause_s", 60.0),
        pause_max_s=kw.get("pause_max_s", 3600.0),
    )


def _job(n: int) -> Job:
    attempt = Attempt(uuid.UUID(int=n + 1), "campaign", None, None, f"r{n}@y.example", 1)
    return Job(attempt, "bounces@x.example", MAIL, "y.example")


def _metrics() -> tuple[float, float]:
    refusals = REGISTRY.get_sample_value(
        "digituki_newsletter_relay_refusals_total", {"permanent": "true"}
    )
    held = REGISTRY.get_sample_value("digituki_newsletter_mails_held_total")
    return refusals or 0.0, held or 0.0


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
async def test_starttls_then_login_then_pipelined_mail(
    start_server: Any, authority: Authority, tmp_path: Path, mechanism: str
) -> None:
    other = "LOGIN" if mechanism == "PLAIN" else "PLAIN"
    relayd, port = await start_server(
        starttls=server_context(authority, tmp_path), exclude=(other,)
    )
    session = await Session.open(_relay(port, "starttls", authority), 5)
    # The EHLO after the handshake was read: AUTH is only offered over TLS here.
    assert mechanism in session.auth_mechanisms
    for n in range(3):
        await session.send("bounces@x.example", f"r{n}@y.example", MAIL, 5)
    await session.quit(5)

    assert relayd.logins == [(mechanism, USER)]
    assert relayd.accepted == ["r0@y.example", "r1@y.example", "r2@y.example"]
    # MAIL, RCPT and DATA of each mail arrived in one write, over TLS.
    assert relayd.pipelined == [True, True, True]


async def test_plain_is_preferred_when_both_are_offered(
    start_server: Any, authority: Authority, tmp_path: Path
) -> None:
    relayd, port = await start_server(starttls=server_context(authority, tmp_path))
    session = await Session.open(_relay(port, "starttls", authority), 5)
    await session.quit(5)
    assert {"PLAIN", "LOGIN"} <= session.auth_mechanisms
    assert relayd.logins == [("PLAIN", USER)]


async def test_what_the_server_said_before_starttls_is_forgotten(
    start_server: Any, authority: Authority, tmp_path: Path
) -> None:
    """RFC 3207 4.2: the extensions are those of the EHLO over TLS, and only those."""
    relayd, port = await start_server(starttls=server_context(authority, tmp_path))
    session = await Session.open(_relay(port, "starttls", authority), 5)
    await session.send("bounces@x.example", "r@y.example", MAIL, 5)
    await session.quit(5)
    assert PLAINTEXT_ONLY not in session.extensions
    assert "STARTTLS" not in session.extensions
    assert "PIPELINING" in session.extensions
    assert relayd.pipelined == [True]


async def test_implicit_tls_on_its_own_port(
    start_server: Any, authority: Authority, tmp_path: Path
) -> None:
    relayd, port = await start_server(implicit=server_context(authority, tmp_path))
    session = await Session.open(_relay(port, "tls", authority), 5)
    for n in range(2):
        await session.send("bounces@x.example", f"r{n}@y.example", MAIL, 5)
    await session.quit(5)
    assert relayd.logins == [("PLAIN", USER)]
    assert relayd.accepted == ["r0@y.example", "r1@y.example"]
    assert relayd.pipelined == [True, True]


async def test_a_pool_of_connections_sends_over_tls(
    start_server: Any, authority: Authority, tmp_path: Path
) -> None:
    relayd, port = await start_server(starttls=server_context(authority, tmp_path))
    results: list[Result] = []
    pool = _pool(_relay(port, "starttls", authority), results, connections=3)
    pool.start()
    for n in range(9):
        await pool.submit(_job(n))
    await pool.close()
    assert sorted(r.outcome for r in results) == ["sent"] * 9
    assert sorted(relayd.accepted) == sorted(f"r{n}@y.example" for n in range(9))
    assert all(relayd.pipelined) and relayd.connections <= 3


async def test_without_login_settings_no_auth_is_tried(
    start_server: Any, authority: Authority, tmp_path: Path
) -> None:
    relayd, port = await start_server(starttls=server_context(authority, tmp_path))
    session = await Session.open(_relay(port, "starttls", authority, username=""), 5)
    await session.quit(5)
    assert relayd.auth_tries == 0


def _server_case(case: str, authority: Authority, folder: Path) -> dict[str, Any]:
    if case == "expired certificate":
        return {"starttls": server_context(authority, folder, expired=True)}
    if case == "certificate for another host":
        return {"implicit": server_context(authority, folder, hosts=("mail.elsewhere.example",))}
    if case == "certificate of an unknown CA":
        stranger = make_authority(folder, "Stranger CA")
        return {"starttls": server_context(stranger, folder)}
    if case == "wrong password":
        return {"starttls": server_context(authority, folder)}
    if case == "no STARTTLS offered":  # e.g. stripped from the EHLO by a man in the middle
        return {}
    assert case == "STARTTLS offered but refused"
    return {"advertise_starttls": True}


CASES = {
    "expired certificate": "certificate not trusted: certificate has expired",
    "certificate for another host": "certificate not trusted: IP address mismatch",
    "certificate of an unknown CA": "certificate not trusted: unable to get local issuer",
    "no STARTTLS offered": "does not offer STARTTLS, and SMTP_TLS=starttls requires it",
    "STARTTLS offered but refused": "refused STARTTLS: 454",
    "wrong password": "refused the login of 'digituki-relay': 535",
}


@pytest.mark.parametrize("case", list(CASES))
async def test_a_relay_that_fails_tls_or_login_holds_the_mails_and_says_why_once(
    start_server: Any,
    authority: Authority,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    case: str,
) -> None:
    server = _server_case(case, authority, tmp_path)
    relayd, port = await start_server(**server)
    tls: TlsMode = "tls" if "implicit" in server else "starttls"
    password = "not-the-password-either" if case == "wrong password" else PASSWORD
    relay = _relay(port, tls, authority, password=password)

    with pytest.raises(SmtpSecurityError, match=CASES[case]) as refused:
        await Session.open(relay, 5)
    assert refused.value.permanent == (case == "wrong password")
    tries = relayd.connections

    results: list[Result] = []
    pool = _pool(relay, results, connections=4, pause_s=60.0)
    caplog.set_level(logging.ERROR, logger="newsletter.delivery.smtp")
    pool.start()
    for n in range(6):
        await pool.submit(_job(n))
    await pool.close()

    # Held for the relay, never a bounce; one connection tried it, not one per mail.
    assert [(r.outcome, r.code) for r in results] == [("held", None)] * 6
    assert all(CASES[case].split(":")[0] in (r.detail or "") for r in results)
    assert all(0 < r.retry_in_s <= 60.0 for r in results)
    assert relayd.connections - tries == 1
    assert pool.paused_for_s > (3000 if case == "wrong password" else 0)
    lines = [r.getMessage() for r in caplog.records if r.name == "newsletter.delivery.smtp"]
    assert len(lines) == 1 and CASES[case] in lines[0] and "paused" in lines[0]
    # Nothing went in plaintext (no MAIL at all), and no mail was taken.
    assert relayd.mails == 0 and relayd.accepted == []
    for text in [*lines, *(r.detail or "" for r in results), repr(relay), str(relay)]:
        assert password not in text


async def test_a_wrong_password_costs_one_login_however_many_connections(
    start_server: Any, authority: Authority, tmp_path: Path
) -> None:
    """Providers lock an account after a few refused logins: eight connections opening at
    once with a wrong password would be eight."""
    relayd, port = await start_server(starttls=server_context(authority, tmp_path))
    results: list[Result] = []
    pool = _pool(_relay(port, "starttls", authority, password="wrong"), results, connections=8)
    refusals, held = _metrics()
    pool.start()
    for n in range(40):
        await pool.submit(_job(n))
    await pool.close()
    assert relayd.auth_tries == 1
    assert _metrics() == (refusals + 1, held + 40)  # what an alert watches
    assert {r.outcome for r in results} == {"held"}
    assert "check SMTP_USERNAME and SMTP_PASSWORD" in (results[0].detail or "")


async def test_sending_resumes_when_the_relay_takes_the_login_again(
    start_server: Any,
    authority: Authority,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    relayd, port = await start_server(starttls=server_context(authority, tmp_path))
    relayd.password = "changed-on-the-relay"
    results: list[Result] = []
    first = asyncio.Event()
    caplog.set_level(logging.WARNING, logger="newsletter.delivery.smtp")
    # No pause at all, so the second mail tries the relay again.
    pool = SmtpPool(
        relay=_relay(port, "starttls", authority),
        connections=1,
        timeout_s=5,
        limits=Limits(0, 0),
        done=lambda _, result: (results.append(result), first.set()),
        pause_s=0,
        pause_max_s=0,
    )
    pool.start()
    await pool.submit(_job(0))
    await first.wait()
    relayd.password = PASSWORD
    await pool.submit(_job(1))
    await pool.close()
    assert [r.outcome for r in results] == ["held", "sent"]
    assert relayd.accepted == ["r1@y.example"]
    assert any("accepts again" in r.getMessage() for r in caplog.records)


class Refusing:
    """A relay that wanted a login we did not give: it refuses the mail, not the person."""

    def __init__(self, step: str, reply: str) -> None:
        self.step, self.reply = step, reply

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.step == "mail":
            return self.reply
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        return self.reply if self.step == "rcpt" else "250 OK"


@pytest.mark.parametrize(
    ("step", "reply"),
    [
        ("mail", "530 5.7.0 Authentication required"),
        ("rcpt", "554 5.7.1 <r0@y.example>: Relay access denied"),
    ],
    ids=["530 to MAIL", "relay access denied to RCPT"],
)
async def test_a_relay_that_wants_a_login_bounces_no_one(step: str, reply: str) -> None:
    server = await asyncio.get_running_loop().create_server(
        lambda: SmtpServer(Refusing(step, reply)), "127.0.0.1", 0
    )
    try:
        port = server.sockets[0].getsockname()[1]
        results: list[Result] = []
        pool = _pool(Relay(host="127.0.0.1", port=port), results, connections=2)
        pool.start()
        for n in range(4):
            await pool.submit(_job(n))
        await pool.close()
    finally:
        server.close()
        await server.wait_closed()
    assert {r.outcome for r in results} == {"held"}, [r.detail for r in results]
    assert reply.split(maxsplit=1)[0] in (results[0].detail or "")


async def test_credentials_never_travel_without_tls(start_server: Any) -> None:
    relayd, port = await start_server()
    relay = Relay(
        host="127.0.0.1", port=port, tls="none", username=USER, password=SecretStr(PASSWORD)
    )
    with pytest.raises(SmtpSecurityError, match="refusing to log in without TLS"):
        await Session.open(relay, 5)
    assert relayd.auth_tries == 0


def test_a_refused_login_is_permanent_a_temporary_one_is_not() -> None:
    assert SmtpAuthError("x", code=535).permanent
    assert not SmtpAuthError("x", code=454).permanent
    assert not SmtpSecurityError("x").permanent


def test_settings_build_the_relay_and_refuse_a_login_without_tls(tmp_path: Path) -> None:
    from newsletter.settings import NewsletterSettings
    from pydantic import ValidationError

    ca_file = tmp_path / "relay-ca.pem"
    ca_file.write_text("-----BEGIN CERTIFICATE-----\n")
    settings = NewsletterSettings(
        environment="development",
        SMTP_HOST="smtp.relay.example",
        SMTP_PORT=2587,
        SMTP_TLS="starttls",
        SMTP_USERNAME=USER,
        SMTP_PASSWORD=PASSWORD,
        SMTP_CA_FILE=str(ca_file),
        SMTP_TIMEOUT_S=12,
    )
    relay = settings.smtp_relay()
    assert (relay.host, relay.port, relay.tls) == ("smtp.relay.example", 2587, "starttls")
    assert (relay.username, relay.password.get_secret_value(), relay.ca_file) == (
        USER,
        PASSWORD,
        str(ca_file),
    )
    assert settings.smtp_timeout_s == 12
    assert PASSWORD not in repr(settings) and PASSWORD not in repr(relay)
    assert PASSWORD not in str(settings.model_dump())

    with pytest.raises(ValidationError, match="SMTP_USERNAME needs SMTP_TLS"):
        NewsletterSettings(environment="development", SMTP_USERNAME=USER, SMTP_PASSWORD=PASSWORD)
    with pytest.raises(ValidationError, match="SMTP_PASSWORD is set but SMTP_USERNAME"):
        NewsletterSettings(environment="development", SMTP_TLS="tls", SMTP_PASSWORD=PASSWORD)
    with pytest.raises(ValidationError, match="SMTP_CA_FILE"):
        NewsletterSettings(
            environment="development", SMTP_TLS="tls", SMTP_CA_FILE=str(tmp_path / "none.pem")
        )
    with pytest.raises(ValidationError):
        NewsletterSettings(environment="development", SMTP_TLS="ssl")


@pytest.mark.parametrize(
    ("mode", "port", "tls"),
    [
        ("none", 1025, "none"),
        ("starttls", 587, "starttls"),
        ("tls", 465, "tls"),
        ("implicit", 465, "tls"),
        ("TLS", 465, "tls"),
    ],
)
def test_the_port_follows_the_tls_mode_unless_set(
    mode: str, port: int, tls: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsletter.settings import NewsletterSettings

    # `make test` sets the mail catcher's port for the whole run: "unset" is unset here.
    for name in ("SMTP_PORT", "NEWSLETTER_SMTP_PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = NewsletterSettings(environment="development", SMTP_TLS=mode)
    assert (settings.smtp_port, settings.smtp_tls) == (port, tls)


async def test_plaintext_sent_with_the_starttls_answer_is_refused(authority: Authority) -> None:
    """A man in the middle may append a reply to the 220 before the handshake; taken as the
    answer to a later command over TLS, it would forge it (the CVE-2011-0411 class)."""

    async def injecting(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 relay ESMTP\r\n")
        await reader.readline()  # EHLO
        writer.write(b"250-relay\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
        await reader.readline()  # STARTTLS
        writer.write(b"220 Go ahead\r\n235 2.7.0 Authentication successful\r\n")
        await reader.read()
        writer.close()

    server = await asyncio.start_server(injecting, "127.0.0.1", 0)
    try:
        relay = _relay(server.sockets[0].getsockname()[1], "starttls", authority)
        with pytest.raises(SmtpSecurityError, match="sent data before the TLS handshake"):
            await Session.open(relay, 5)
    finally:
        server.close()
        await server.wait_closed()
