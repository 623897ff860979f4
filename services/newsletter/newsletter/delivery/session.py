"""One kept-open SMTP session, small and fast: with PIPELINING (RFC 2920) MAIL, RCPT and DATA
go in one write, so a mail costs two round trips instead of four. Every reply is still read
and checked; without PIPELINING the commands go one at a time.

A production relay wants TLS and a login: STARTTLS (RFC 3207) or TLS from the first byte
(RFC 8314, port 465), the certificate checked against the system store or a CA file, then
AUTH PLAIN or LOGIN (RFC 4954). Pipelining goes on over TLS: the EHLO after STARTTLS tells
the extensions anew, and nothing learnt before the handshake is kept."""

from __future__ import annotations

import asyncio
import base64
import re
import socket
import ssl
from dataclasses import dataclass

from newsletter.delivery.relay import (
    Relay,
    SmtpAuthError,
    SmtpProtocolError,
    SmtpSecurityError,
    TlsMode,
    connect,
    tls_reason,
)

# The relay's names moved to relay.py; importing them from here still works.
__all__ = [
    "Relay",
    "Reply",
    "Session",
    "SmtpAuthError",
    "SmtpProtocolError",
    "SmtpReplyError",
    "SmtpSecurityError",
    "TlsMode",
    "wire_data",
]

from newsletter.mail.message import WireReady

# CR, LF and the other C0 controls in an address would inject commands.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LINE_ENDINGS = re.compile(rb"\r\n|\n|\r(?!\n)")
_LOCAL_NAME = socket.getfqdn()


class SmtpReplyError(Exception):
    """The server answered a step of the transaction with something else than success."""

    def __init__(self, code: int, message: str, *, step: str) -> None:
        super().__init__(f"{code} {message}")
        self.code, self.message, self.step = code, message, step


@dataclass(frozen=True)
class Reply:
    code: int
    message: str


def wire_data(message: bytes) -> bytes:
    """The DATA payload: CRLF lines, dot-stuffed (RFC 5321 4.5.2), ending in CRLF.CRLF."""
    if isinstance(message, WireReady):  # built with CRLF lines and nothing to stuff
        return message + b".\r\n"
    crlf = message.count(b"\r\n")
    if message.count(b"\r") != crlf or message.count(b"\n") != crlf:  # rare: fix stray CR/LF
        message = _LINE_ENDINGS.sub(b"\r\n", message)
    if not message.endswith(b"\r\n"):
        message += b"\r\n"
    message = message.replace(b"\r\n.", b"\r\n..")
    if message.startswith(b"."):
        message = b"." + message
    return message + b".\r\n"


class Session:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer
        self.extensions: set[str] = set()
        self.auth_mechanisms: set[str] = set()

    @classmethod
    async def open(cls, relay: Relay, timeout_s: float) -> Session:
        async with asyncio.timeout(timeout_s):
            reader, writer = await connect(relay, timeout_s)
            session = cls(reader, writer)
            try:
                # A refusal here says nothing of the recipient: never a bounce, try again later.
                if (greeting := await session._reply()).code != 220:
                    raise SmtpProtocolError(f"greeting {greeting.code} {greeting.message}")
                await session._hello()
                if relay.tls == "starttls":
                    await session._starttls(relay, timeout_s)
                if relay.username:
                    await session._authenticate(relay)
            except BaseException:
                session.close()
                raise
        return session

    async def _hello(self) -> None:
        self._writer.write(f"EHLO {_LOCAL_NAME}\r\n".encode())
        if (ehlo := await self._reply()).code != 250:
            self._writer.write(f"HELO {_LOCAL_NAME}\r\n".encode())
            if (helo := await self._reply()).code != 250:
                raise SmtpProtocolError(f"HELO {helo.code} {helo.message}")
            ehlo = Reply(250, helo.message.split("\n")[0])  # no extensions
        self.extensions, self.auth_mechanisms = set(), set()
        for line in ehlo.message.splitlines()[1:]:
            words = line.replace("=", " ", 1).upper().split()
            if words:
                self.extensions.add(words[0])
                if words[0] == "AUTH":
                    self.auth_mechanisms.update(words[1:])

    async def _starttls(self, relay: Relay, timeout_s: float) -> None:
        if "STARTTLS" not in self.extensions:
            raise SmtpSecurityError(
                f"relay {relay} does not offer STARTTLS, and SMTP_TLS=starttls requires it"
            )
        self._writer.write(b"STARTTLS\r\n")
        if (ready := await self._reply()).code != 220:
            raise SmtpSecurityError(f"relay {relay} refused STARTTLS: {ready.code} {ready.message}")
        # Anything sent after the 220 and before the handshake could be a plaintext injection
        # (CVE-2011-0411 style): a server that does it is not trusted.
        if getattr(self._reader, "_buffer", b""):
            raise SmtpSecurityError(f"relay {relay} sent data before the TLS handshake")
        assert relay.tls_context is not None
        try:
            await self._writer.start_tls(
                relay.tls_context, server_hostname=relay.host, ssl_handshake_timeout=timeout_s
            )
        except ssl.SSLError as error:
            raise SmtpSecurityError(f"TLS with relay {relay} failed: {tls_reason(error)}") from None
        await self._hello()  # RFC 3207 4.2: forget what was said in plaintext, ask again

    async def _authenticate(self, relay: Relay) -> None:
        if self._writer.get_extra_info("ssl_object") is None:
            # Never a password in clear text, whatever the settings say.
            raise SmtpSecurityError(f"relay {relay}: refusing to log in without TLS")
        user, password = relay.username.encode(), relay.password.get_secret_value().encode()
        if "PLAIN" in self.auth_mechanisms:
            secret = _b64(b"\0" + user + b"\0" + password)
            self._writer.write(b"AUTH PLAIN " + secret + b"\r\n")
            answer = await self._reply()
        elif "LOGIN" in self.auth_mechanisms:
            self._writer.write(b"AUTH LOGIN\r\n")
            answer = await self._reply()
            for value in (user, password):
                if answer.code != 334:
                    break
                self._writer.write(_b64(value) + b"\r\n")
                answer = await self._reply()
        else:
            offered = " ".join(sorted(self.auth_mechanisms)) or "no AUTH at all"
            raise SmtpSecurityError(f"relay {relay} offers {offered}, not AUTH PLAIN or LOGIN")
        if answer.code != 235:
            # The reply only: what was sent holds the password.
            hint = " (check SMTP_USERNAME and SMTP_PASSWORD)" if answer.code == 535 else ""
            raise SmtpAuthError(
                f"relay {relay} refused the login of {relay.username!r}: "
                f"{answer.code} {answer.message}{hint}",
                code=answer.code,
            )

    @property
    def is_open(self) -> bool:
        # EOF: the server ended an idle session; the next mail then opens a new one.
        return not (self._writer.is_closing() or self._reader.at_eof())

    async def send(self, sender: str, recipient: str, message: bytes, timeout_s: float) -> Reply:
        """Send one mail; the 250 after the data, or SmtpReplyError for the first refusal."""
        data = wire_data(message)
        commands = self._envelope(sender, recipient, len(data) - 3)
        async with asyncio.timeout(timeout_s):
            if "PIPELINING" in self.extensions:
                self._writer.write("".join(commands).encode())
                replies = [await self._reply() for _ in commands]
            else:
                replies = []
                for command in commands:
                    self._writer.write(command.encode())
                    replies.append(await self._reply())
                    if _refusal(replies):
                        break
        if refused := _refusal(replies):
            await self._abandon(replies, refused, timeout_s)
            raise refused
        async with asyncio.timeout(timeout_s):
            self._writer.write(data)
            await self._writer.drain()
            done = await self._reply()
        if done.code != 250:
            raise SmtpReplyError(done.code, done.message, step="data")
        return done

    def _envelope(self, sender: str, recipient: str, size: int) -> list[str]:
        if _CONTROL.search(sender) or _CONTROL.search(recipient):
            raise ValueError("address contains a control character")
        options = ""
        if not (sender.isascii() and recipient.isascii()):
            if "SMTPUTF8" not in self.extensions:
                raise SmtpProtocolError("SMTPUTF8 is not supported by this server")
            options += " SMTPUTF8"
        if "SIZE" in self.extensions:
            options += f" SIZE={size}"
        return [f"MAIL FROM:<{sender}>{options}\r\n", f"RCPT TO:<{recipient}>\r\n", "DATA\r\n"]

    async def _abandon(
        self, replies: list[Reply], refused: SmtpReplyError, timeout_s: float
    ) -> None:
        """End a refused transaction so the session can carry the next mail (or close it)."""
        if replies[-1].code == 354:  # a server that takes DATA anyway: end it unsent
            self.close()
        elif refused.code != 421:  # the transaction failed, not the session: reset it
            try:
                async with asyncio.timeout(timeout_s):
                    self._writer.write(b"RSET\r\n")
                    await self._reply()
            except (OSError, TimeoutError, SmtpProtocolError):
                self.close()  # the next mail opens a new session

    async def quit(self, timeout_s: float) -> None:
        try:
            async with asyncio.timeout(timeout_s):
                self._writer.write(b"QUIT\r\n")
                await self._reply()
        finally:
            self.close()

    def close(self) -> None:
        self._writer.close()

    async def _reply(self) -> Reply:
        """One reply, its lines joined with newlines (as aiosmtplib gives them)."""
        lines: list[str] = []
        while True:
            line = await self._reader.readline()
            if not line.endswith(b"\n"):
                raise SmtpProtocolError("connection closed")
            try:
                code = int(line[:3])
            except ValueError:
                raise SmtpProtocolError(f"not an SMTP reply: {line[:80]!r}") from None
            lines.append(line[4:].strip(b" \t\r\n").decode("utf-8", "surrogateescape"))
            if line[3:4] != b"-":
                return Reply(code, "\n".join(lines))


def _b64(value: bytes) -> bytes:
    return base64.b64encode(value)


def _refusal(replies: list[Reply]) -> SmtpReplyError | None:
    """The first reply of MAIL, RCPT, DATA that is not the expected one."""
    expected = (("mail", (250,)), ("rcpt", (250, 251)), ("data", (354,)))
    for reply, (step, codes) in zip(replies, expected, strict=False):  # fewer after a refusal
        if reply.code not in codes:
            return SmtpReplyError(reply.code, reply.message, step=step)
    return None
