"""Writing events into the outbox inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.events.envelope import TRACEPARENT_HEADER, CloudEvent
from shared.tracing import trace_headers


def notify_channel(service: str) -> str:
    return f"outbox_{service}"


async def add_to_outbox(
    conn: AsyncConnection,
    outbox: Table,
    *,
    service: str,
    messages: Sequence[tuple[str, str | None, CloudEvent]],
) -> None:
    """Queue (topic, key, event) triples; they are published only if the transaction commits.

    The NOTIFY is transactional too: the relay is woken exactly when the rows become visible.
    An event that carries no trace context gets the current one (the request or message
    being handled), so the relay continues that trace whenever it publishes the row.
    """
    if not messages:
        return
    tracing = trace_headers()
    await conn.execute(
        insert(outbox),
        [
            {
                "event_id": event.id,
                "topic": topic,
                "key": key,
                "headers": [[k, v.decode()] for k, v in _with_trace(event.to_headers(), tracing)],
                "payload": event.value_bytes(),
            }
            for topic, key, event in messages
        ],
    )
    await conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": notify_channel(service)})


def _with_trace(
    headers: list[tuple[str, bytes]], tracing: list[tuple[str, bytes]]
) -> list[tuple[str, bytes]]:
    if not tracing or any(k == TRACEPARENT_HEADER for k, _ in headers):
        return headers
    return [*headers, *tracing]
