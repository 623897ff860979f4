"""The audit log names every service and says what each of the events service's staff actions
was in a sentence (not `event.published`), with a link to the event: a sweep over the action
names events' code audits, so an action added later without a sentence fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from contacts.audit.labels import SERVICES, sentence_of, target_page

from shared.cli import SERVICES as KNOWN_SERVICES

EVENTS = Path(__file__).resolve().parents[2] / "services" / "events" / "events"
# `_audit(uow, actor, "event.created", event)` and `action="event.attendance.imported"`.
AUDITED = re.compile(r'(?:_audit\([^)]*?"|action=")((?:event|series|contact)\.[a-z_.]+)"')


def events_actions() -> list[str]:
    found = {m for f in EVENTS.rglob("*.py") for m in AUDITED.findall(f.read_text())}
    return sorted(found)


def test_the_sweep_finds_the_events_actions() -> None:
    assert {"event.created", "event.published", "series.created"} <= set(events_actions())


def test_every_service_has_a_name() -> None:
    assert set(SERVICES) >= set(KNOWN_SERVICES)


@pytest.mark.parametrize("action", events_actions())
def test_every_events_action_reads_as_a_sentence(action: str) -> None:
    assert sentence_of("events", action), f"no sentence for events' {action}"


def test_an_event_entry_links_to_the_event() -> None:
    assert target_page("events", "event", "e1") == "/events/staff/events/e1"
