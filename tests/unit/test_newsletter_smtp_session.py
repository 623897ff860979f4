"""The sender's own SMTP session against a real (in-process) aiosmtpd server, with and
without PIPELINING: every reply is checked, refusals are classified as before."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP as SmtpServer
from newsletter.delivery.domain import Result
from newsletter.delivery.ratelimit import Limits
from newsletter.delivery.relay import Relay
from newsletter.delivery.service import Attempt
from newsletter.delivery.session import Session, SmtpReplyError, wire_data
from newsletter.delivery.smtp import Job, SmtpPool

from tests.support.polling import eventually


class Handler:
    """Refuses recipients by prefix (550 hard, 451 soft), keeps what it accepts."""

    def __init__(self, *, pipelining: bool) -> None:
        self.pipelining = pipelining
        self.accepted: list[tuple[str, bytes]] = []
        self.sessions = 0

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.sessions += 1
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address.startswith("bounce"):
            return "550 5.1.1 No such user"
        if address.startswith("defer"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.accepted.append((envelope.rcpt_tos[0], envelope.original_content))
        return "250 2.0.0 Ok: queued as ABC"


@pytest.fixture(params=[True, False], ids=["pipelining", "one-by-one"])
async def server(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Handler, int]]:
    handler = Handler(pipelining=request.param)
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(
        lambda: SmtpServer(handler, enable_SMTPUTF8=True), "127.0.0.1", 0
    )
    try:
        yield handler, srv.sockets[0].getsockname()[1]
    finally:
        srv.close()
        await srv.wait_closed()


MAIL = b"Subject: hi\r\n\r\nline one\r\n.starts with a dot\r\n.\r\nlast line"


async def test_a_session_sends_many_mails_and_survives_refusals(
    server: tuple[Handler, int],
) -> None:
    handler, port = server
    session = await Session.open(Relay("127.0.0.1", port), 5)
    assert ("PIPELINING" in session.extensions) is handler.pipelining

    reply = await session.send("b@x.example", "ok-1@y.example", MAIL, 5)
    assert reply.code == 250 and "queued as ABC" in reply.message
    with pytest.raises(SmtpReplyError) as hard:
        await session.send("b@x.example", "bounce@y.example", MAIL, 5)
    assert (hard.value.code, hard.value.step) == (550, "rcpt")
    with pytest.raises(SmtpReplyError) as soft:
        await session.send("b@x.example", "defer@y.example", MAIL, 5)
    assert (soft.value.code, soft.value.step) == (451, "rcpt")
    await session.send("b@x.example", "ok-2@y.example", MAIL, 5)
    await session.quit(5)

    # The same session went on after each refusal; dots were stuffed and removed again.
    assert handler.sessions == 1
    assert [to for to, _ in handler.accepted] == ["ok-1@y.example", "ok-2@y.example"]
    assert handler.accepted[0][1] == MAIL + b"\r\n"


async def test_the_pool_records_sent_bounced_and_deferred_as_before(
    server: tuple[Handler, int],
) -> None:
    _, port = server
    results: dict[str, Result] = {}
    pool = SmtpPool(
        relay=Relay("127.0.0.1", port),
        connections=2,
        timeout_s=5,
        limits=Limits(0, 0),
        done=lambda attempt, result: results.__setitem__(attempt.email, result),
    )
    pool.start()
    for email in ["ok@y.example", "bounce@y.example", "defer@y.example", "ok2@y.example"]:
        attempt = Attempt(uuid.uuid4(), "campaign", None, None, email, 1)
        await pool.submit(Job(attempt, "bounces@x.example", MAIL, "y.example"))
    await pool.close()

    assert results["ok@y.example"].outcome == "sent"
    assert results["ok2@y.example"].outcome == "sent"
    bounced, deferred = results["bounce@y.example"], results["defer@y.example"]
    assert (bounced.outcome, bounced.code) == ("bounced", 550)
    assert (bounced.detail or "").startswith("550 5.1.1 No such user")
    assert (deferred.outcome, deferred.code) == ("deferred", 451)


async def test_a_closed_port_is_a_deferral_not_a_failure() -> None:
    results: list[Result] = []
    pool = SmtpPool(
        relay=Relay("127.0.0.1", 1),  # nothing listens there
        connections=1,
        timeout_s=5,
        limits=Limits(0, 0),
        done=lambda _, result: results.append(result),
    )
    pool.start()
    attempt = Attempt(uuid.uuid4(), "campaign", None, None, "ok@y.example", 1)
    await pool.submit(Job(attempt, "bounces@x.example", MAIL, "y.example"))
    await pool.close()
    assert [(r.outcome, r.code) for r in results] == [("deferred", None)]


def test_wire_data_stuffs_dots_and_fixes_stray_line_endings() -> None:
    assert wire_data(b".a\r\n.b\r\nc") == b"..a\r\n..b\r\nc\r\n.\r\n"
    assert wire_data(b"a\nb\rc\r\n") == b"a\r\nb\r\nc\r\n.\r\n"


class ScriptedServer:
    """A raw SMTP server with fixed replies. With `group`, it answers MAIL only after RCPT and
    DATA have arrived too: a client that waits for each reply would hang (and time out)."""

    def __init__(self, *, ehlo: str, rcpt: str = "250 ok", group: bool = False) -> None:
        self.ehlo, self.rcpt, self.group = ehlo, rcpt, group
        self.greeting = "220 scripted"
        self.lines: list[str] = []
        self.after_refusal = "554 no valid recipients"
        self.writers: list[asyncio.StreamWriter] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)

        def say(*replies: str) -> None:
            writer.write("".join(f"{r}\r\n" for r in replies).encode())

        async def line() -> str:
            text = (await reader.readline()).decode().strip()
            self.lines.append(text)
            return text

        say(self.greeting)
        while (verb := (await line()).split(":")[0].split(" ")[0]) not in ("", "QUIT"):
            if verb == "EHLO":
                say(*self.ehlo.split("|"))
            elif verb in ("HELO", "RSET"):
                say("250 ok")
            elif verb == "MAIL":
                if self.group:
                    await line(), await line()  # RCPT, DATA
                    data = "354 go" if self.rcpt.startswith("250") else self.after_refusal
                    say("250 ok", self.rcpt, data)
                    if data.startswith("354") and self.rcpt.startswith("250"):
                        while await line() != ".":
                            pass
                        say("250 queued")
                else:
                    say("250 ok")
            elif verb == "RCPT":
                say(self.rcpt)
            elif verb == "DATA":
                say("354 go")
                while await line() != ".":
                    pass
                say("250 queued")
        say("221 bye")
        writer.close()

    async def session(self) -> tuple[asyncio.Server, Session]:
        srv = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return srv, await Session.open(Relay("127.0.0.1", srv.sockets[0].getsockname()[1]), 10)


async def test_with_pipelining_the_envelope_goes_as_one_group() -> None:
    server = ScriptedServer(ehlo="250-scripted|250 PIPELINING", group=True)
    srv, session = await server.session()
    try:
        assert (await session.send("b@x.example", "ok@y.example", MAIL, 10)).code == 250
        await session.quit(10)
    finally:
        srv.close()
    assert [cmd.split(":")[0] for cmd in server.lines[1:4]] == ["MAIL FROM", "RCPT TO", "DATA"]


async def test_a_server_taking_data_after_a_refused_recipient_gets_no_mail() -> None:
    server = ScriptedServer(ehlo="250-scripted|250 PIPELINING", rcpt="550 no", group=True)
    server.after_refusal = "354 go anyway"  # against RFC 2920
    srv, session = await server.session()
    try:
        with pytest.raises(SmtpReplyError) as refused:
            await session.send("b@x.example", "no@y.example", MAIL, 10)
    finally:
        srv.close()
    assert refused.value.code == 550 and not session.is_open
    assert "RSET" not in server.lines and "line one" not in server.lines


async def test_without_ehlo_the_session_falls_back_to_helo() -> None:
    server = ScriptedServer(ehlo="502 no EHLO here")
    srv, session = await server.session()
    try:
        assert session.extensions == set()
        assert (await session.send("b@x.example", "ok@y.example", MAIL, 10)).code == 250
    finally:
        srv.close()
    assert server.lines[0].startswith("EHLO") and server.lines[1].startswith("HELO")


async def test_a_refused_greeting_is_a_deferral_never_a_bounce() -> None:
    server = ScriptedServer(ehlo="250 scripted")
    server.greeting = "554 go away"
    srv = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    results: list[Result] = []
    pool = SmtpPool(
        relay=Relay("127.0.0.1", srv.sockets[0].getsockname()[1]),
        connections=1,
        timeout_s=10,
        limits=Limits(0, 0),
        done=lambda _, result: results.append(result),
    )
    pool.start()
    try:
        attempt = Attempt(uuid.uuid4(), "campaign", None, None, "ok@y.example", 1)
        await pool.submit(Job(attempt, "bounces@x.example", MAIL, "y.example"))
        await pool.close()
    finally:
        srv.close()
    assert [r.outcome for r in results] == ["deferred"]


async def test_a_session_the_server_closed_is_no_longer_open() -> None:
    server = ScriptedServer(ehlo="250 scripted")
    srv, session = await server.session()
    try:
        await session.send("b@x.example", "ok@y.example", MAIL, 10)
        srv.close()
        for client in list(server.writers):
            client.close()  # the server ends the session (e.g. its idle timeout)

        async def is_open() -> bool:
            return session.is_open

        await eventually(is_open, lambda open_: not open_, what="the session seen closed")
    finally:
        srv.close()
