"""One kept-open SMTP session, small and fast: with PIPELINING (RFC 2920) MAIL, RCPT and DATA
go in one write, so a mail costs two round trips instead of four. Every reply is still read
and checked; without PIPELINING the commands go one at a time."""

from __future__ import annotations

import asyncio
import re
import socket
from dataclasses import dataclass

# CR, LF and the other C0 controls in an address would inject commands.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LINE_ENDINGS = re.compile(rb"\r\n|\n|\r(?!\n)")
_LOCAL_NAME = socket.getfqdn()


class SmtpReplyError(Exception):
    """The server answered a step of the transaction with something else than success."""

    def __init__(self, code: int, message: str, *, step: str) -> None:
        super().__init__(f"{code} {message}")
        self.code, self.message, self.step = code, message, step


class SmtpProtocolError(Exception):
    """A reply that is not SMTP, or a feature the server lacks: the session is unusable."""


@dataclass(frozen=True)
class Reply:
    code: int
    message: str


def wire_data(message: bytes) -> bytes:
    """The DATA payload: CRLF lines, dot-stuffed (RFC 5321 4.5.2), ending in CRLF.CRLF."""
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

    @classmethod
    async def open(cls, host: str, port: int, timeout_s: float) -> Session:
        async with asyncio.timeout(timeout_s):
            reader, writer = await asyncio.open_connection(host, port)
            session = cls(reader, writer)
            try:
                # A refusal here says nothing of the recipient: never a bounce, try again later.
                if (greeting := await session._reply()).code != 220:
                    raise SmtpProtocolError(f"greeting {greeting.code} {greeting.message}")
                session._writer.write(f"EHLO {_LOCAL_NAME}\r\n".encode())
                if (ehlo := await session._reply()).code != 250:
                    session._writer.write(f"HELO {_LOCAL_NAME}\r\n".encode())
                    if (helo := await session._reply()).code != 250:
                        raise SmtpProtocolError(f"HELO {helo.code} {helo.message}")
                    ehlo = Reply(250, helo.message.split("\n")[0])  # no extensions
            except BaseException:
                session.close()
                raise
        session.extensions = {
            line.split()[0].upper() for line in ehlo.message.splitlines()[1:] if line.strip()
        }
        return session

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


def _refusal(replies: list[Reply]) -> SmtpReplyError | None:
    """The first reply of MAIL, RCPT, DATA that is not the expected one."""
    expected = (("mail", (250,)), ("rcpt", (250, 251)), ("data", (354,)))
    for reply, (step, codes) in zip(replies, expected, strict=False):  # fewer after a refusal
        if reply.code not in codes:
            return SmtpReplyError(reply.code, reply.message, step=step)
    return None
