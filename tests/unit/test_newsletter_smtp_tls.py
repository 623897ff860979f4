"""The sender's own SMTP session with a production relay: STARTTLS and implicit TLS with a
checked certificate, AUTH PLAIN and LOGIN, pipelining kept over TLS. Against real
(in-process) aiosmtpd servers with certificates made by the test; every TLS or login
failure is a deferral of the mail, never a bounce, and never shows the password."""

from __future__ import annotations

import asyncio
import logging
import ssl
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP as SmtpServer
from aiosmtpd.smtp import AuthResult, LoginPassword
from newsletter.delivery.domain import Result
from newsletter.delivery.ratelimit import Limits
from newsletter.delivery.service import Attempt
from newsletter.delivery.session import Relay, Session, SmtpSecurityError, TlsMode
from newsletter.delivery.smtp import Job, SmtpPool

from tests.support.certs import Authority, make_authority, server_context

USER, PASSWORD = "digituki-relay", "pa55-w0rd-never-logged"
MAIL = b"Subject: hi\r\n\r\nover TLS\r\n"


class Relayd:
    """Accepts mail from an authenticated client; notes whether the client pipelined."""

    def __init__(self, *, advertise_starttls: bool = False) -> None:
        self.advertise_starttls = advertise_starttls
        self.accepted: list[str] = []
        self.logins: list[tuple[str, str]] = []  # (mechanism, user) of successful logins
        self.pipelined: list[bool] = []  # per MAIL: were RCPT and DATA already waiting?

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        responses.insert(-1, "250-PIPELINING")
        if self.advertise_starttls:  # a server that says STARTTLS but cannot do it
            responses.insert(-1, "250-STARTTLS")
        return responses

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        # With PIPELINING the client wrote MAIL, RCPT and DATA at once: they wait unread.
        self.pipelined.append(b"RCPT TO" in bytes(server._reader._buffer))
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        assert session.authenticated, "mail without login"
        self.accepted.append(envelope.rcpt_tos[0])
        return "250 2.0.0 Ok: queued"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        ok = auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
        if ok:
            self.logins.append((mechanism, auth_data.login.decode()))
        return AuthResult(success=ok, handled=False)


ServerFactory = Callable[..., "asyncio.Future[tuple[Relayd, int]]"]


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    return make_authority(tmp_path)


@pytest.fixture
async def start_server() -> AsyncIterator[Any]:
    """Starts relays on free loopback ports; all closed after the test."""
    servers: list[asyncio.Server] = []

    async def start(
        *,
        starttls: ssl.SSLContext | None = None,
        implicit: ssl.SSLContext | None = None,
        exclude: tuple[str, ...] = (),
        advertise_starttls: bool = False,
    ) -> tuple[Relayd, int]:
        relayd = Relayd(advertise_starttls=advertise_starttls)

        def protocol() -> SmtpServer:
            return SmtpServer(
                relayd,
                tls_context=starttls,
                require_starttls=starttls is not None,
                authenticator=relayd.authenticate,
                auth_required=True,
                # Over implicit TLS aiosmtpd does not know it is encrypted.
                auth_require_tls=implicit is None,
                auth_exclude_mechanism=exclude,
            )

        server = await asyncio.get_running_loop().create_server(
            protocol, "127.0.0.1", 0, ssl=implicit
        )
        servers.append(server)
        return relayd, server.sockets[0].getsockname()[1]

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


def _relay(port: int, tls: TlsMode, authority: Authority | None, **kw: Any) -> Relay:
    return Relay(
        host="127.0.0.1",
        port=port,
        tls=tls,
        username=kw.get("username", USER),
        password=kw.get("password", PASSWORD),
        ca_file=str(authority.pem_path) if authority else "",
    )


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
    assert relayd.pipelined == [True, True, True]


async def test_implicit_tls_on_its_own_port(
    start_server: Any, authority: Authority, tmp_path: Path
) -> None:
    relayd, port = await start_server(implicit=server_context(authority, tmp_path))
    session = await Session.open(_relay(port, "implicit", authority), 5)
    await session.send("bounces@x.example", "r@y.example", MAIL, 5)
    await session.quit(5)
    assert relayd.logins == [("PLAIN", USER)]
    assert relayd.accepted == ["r@y.example"]
    assert relayd.pipelined == [True]


async def test_without_login_settings_no_auth_is_tried(
    start_server: Any, authority: Authority, tmp_path: Path
) -> None:
    relayd, port = await start_server(starttls=server_context(authority, tmp_path))
    session = await Session.open(_relay(port, "starttls", authority, username=""), 5)
    await session.quit(5)
    assert relayd.logins == []


def _server_case(case: str, authority: Authority, folder: Path) -> dict[str, Any]:
    if case == "expired certificate":
        return {"starttls": server_context(authority, folder, expired=True)}
    if case == "certificate for another host":
        return {"implicit": server_context(authority, folder, hosts=("mail.elsewhere.example",))}
    if case == "certificate of an unknown CA":
        stranger = make_authority(folder, "Stranger CA")
        return {"starttls": server_context(stranger, folder)}
    if case in ("no STARTTLS offered", "wrong password"):
        return {"starttls": server_context(authority, folder)} if case == "wrong password" else {}
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
async def test_a_relay_that_fails_tls_or_login_defers_the_mail_and_says_why(
    start_server: Any,
    authority: Authority,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    case: str,
) -> None:
    server = _server_case(case, authority, tmp_path)
    relayd, port = await start_server(**server)
    tls: TlsMode = "implicit" if "implicit" in server else "starttls"
    password = "not-the-password-either" if case == "wrong password" else PASSWORD
    relay = _relay(port, tls, authority, password=password)

    with pytest.raises(SmtpSecurityError, match=CASES[case]):
        await Session.open(relay, 5)

    results: list[Result] = []
    pool = SmtpPool(
        relay=relay,
        connections=1,
        timeout_s=5,
        limits=Limits(0, 0),
        done=lambda _, result: results.append(result),
    )
    caplog.set_level(logging.ERROR, logger="newsletter.delivery.smtp")
    pool.start()
    for n in range(3):
        attempt = Attempt(uuid.uuid4(), "campaign", None, None, f"r{n}@y.example", 1)
        await pool.submit(Job(attempt, "bounces@x.example", MAIL, "y.example"))
    await pool.close()

    # A retry, never a bounce; the reason is logged once, not once per mail.
    assert [(r.outcome, r.code) for r in results] == [("deferred", None)] * 3
    assert all(CASES[case].split(":")[0] in (r.detail or "") for r in results)
    lines = [r.getMessage() for r in caplog.records if r.name == "newsletter.delivery.smtp"]
    assert len(lines) == 1 and CASES[case] in lines[0]
    assert relayd.accepted == []
    for text in [*lines, *(r.detail or "" for r in results), repr(relay), str(relay)]:
        assert password not in text


async def test_credentials_never_travel_without_tls(start_server: Any) -> None:
    relayd, port = await start_server()
    relay = Relay(host="127.0.0.1", port=port, tls="none", username=USER, password=PASSWORD)
    with pytest.raises(SmtpSecurityError, match="refusing to log in without TLS"):
        await Session.open(relay, 5)
    assert relayd.logins == []


def test_settings_build_the_relay_and_refuse_a_login_without_tls() -> None:
    from newsletter.settings import NewsletterSettings
    from pydantic import ValidationError

    settings = NewsletterSettings(
        SMTP_HOST="smtp.relay.example",
        SMTP_PORT=587,
        SMTP_TLS="starttls",
        SMTP_USERNAME=USER,
        SMTP_PASSWORD=PASSWORD,
        SMTP_CA_FILE="/etc/ssl/relay-ca.pem",
    )
    relay = settings.smtp_relay()
    assert (relay.host, relay.port, relay.tls) == ("smtp.relay.example", 587, "starttls")
    assert (relay.username, relay.password, relay.ca_file) == (
        USER,
        PASSWORD,
        "/etc/ssl/relay-ca.pem",
    )
    assert PASSWORD not in repr(settings) and PASSWORD not in repr(relay)
    with pytest.raises(ValidationError, match="SMTP_USERNAME needs SMTP_TLS"):
        NewsletterSettings(SMTP_USERNAME=USER, SMTP_PASSWORD=PASSWORD)


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
