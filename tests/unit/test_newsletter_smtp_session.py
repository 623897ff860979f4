"""The sender's own SMTP session against a real (in-process) aiosmtpd server, with and
without PIPELINING: every reply is checked, refusals are classified as before."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP as SmtpServer
from newsletter.domain.delivery import Result
from newsletter.sending.ratelimit import Limits
from newsletter.sending.session import Session, SmtpReplyError, wire_data
from newsletter.sending.smtp import Job, SmtpPool
from newsletter.service.outcomes import Attempt


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
    session = await Session.open("127.0.0.1", port, 5)
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
        host="127.0.0.1",
        port=port,
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
        host="127.0.0.1",
        port=1,  # nothing listens there
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
