"""An SMTP relay for tests: aiosmtpd with STARTTLS or implicit TLS and AUTH PLAIN/LOGIN,
noting what it saw on the wire (connections, logins tried, whether MAIL, RCPT and DATA
came in one write)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiosmtpd.smtp import SMTP as SmtpServer
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "digituki-relay", "pa55-w0rd-never-logged"
PLAINTEXT_ONLY = "X-SAID-BEFORE-TLS"


class Relayd:
    """Accepts mail from an authenticated client; notes what it saw on the wire."""

    def __init__(self, *, advertise_starttls: bool = False, implicit: bool = False) -> None:
        self.advertise_starttls = advertise_starttls
        self.implicit = implicit
        self.password = PASSWORD
        self.connections = 0
        self.accepted: list[str] = []
        self.mails = 0  # MAIL commands seen, accepted or not
        self.auth_tries = 0
        self.logins: list[tuple[str, str]] = []  # (mechanism, user) of successful logins
        self.pipelined: list[bool] = []  # per MAIL: were RCPT and DATA already waiting?

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        if server._tls_protocol or self.implicit:
            responses.insert(-1, "250-PIPELINING")  # only over TLS: the second EHLO counts
        else:
            responses.insert(-1, f"250-{PLAINTEXT_ONLY}")
        if self.advertise_starttls:  # a server that says STARTTLS but cannot do it
            responses.insert(-1, "250-STARTTLS")
        return responses

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        self.mails += 1
        # With PIPELINING the client wrote MAIL, RCPT and DATA at once: they wait unread.
        waiting = bytes(server._reader._buffer)
        self.pipelined.append(b"RCPT TO" in waiting and b"DATA\r\n" in waiting)
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
        self.auth_tries += 1
        ok = auth_data.login.decode() == USER and auth_data.password.decode() == self.password
        if ok:
            self.logins.append((mechanism, auth_data.login.decode()))
        return AuthResult(success=ok, handled=False)


StartRelay = Callable[..., Awaitable[tuple[Relayd, int]]]


@asynccontextmanager
async def relays() -> AsyncIterator[StartRelay]:
    """Starts relays on free loopback ports; all closed on exit."""
    servers: list[asyncio.Server] = []

    async def start(
        *,
        starttls: ssl.SSLContext | None = None,
        implicit: ssl.SSLContext | None = None,
        exclude: tuple[str, ...] = (),
        advertise_starttls: bool = False,
    ) -> tuple[Relayd, int]:
        relayd = Relayd(advertise_starttls=advertise_starttls, implicit=implicit is not None)

        def protocol() -> SmtpServer:
            relayd.connections += 1
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

    try:
        yield start
    finally:
        for server in servers:
            server.close()
            await server.wait_closed()
