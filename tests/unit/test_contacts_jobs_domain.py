"""Bulk actions' parameters, the typed erase confirmation and a job's progress."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from contacts.errors import InvalidInput
from contacts.jobs.domain import Job, bulk_parameters, check_erase_confirmation

TOPICS = frozenset({"webinaarit"})


def job(state: str, total: int, done: int, failed: int = 0) -> Job:
    at = datetime.now(UTC)
    return Job(uuid.uuid4(), "topic_add", {}, state, total, done, failed, None, "s", at, at, None)


def test_erase_needs_exactly_the_number_of_people() -> None:
    check_erase_confirmation(" 1 234 ", 1234)
    for typed in ("", "1233", "all", "1234x"):
        with pytest.raises(InvalidInput) as error:
            check_erase_confirmation(typed, 1234)
        assert error.value.field == "confirmation"


def test_each_bulk_action_checks_what_it_needs() -> None:
    assert bulk_parameters("topic_add", topic="webinaarit", known_topics=TOPICS) == {
        "topic": "webinaarit"
    }
    assert bulk_parameters("membership", action="approve", known_topics=TOPICS) == {
        "action": "approve"
    }
    assert bulk_parameters("export", fmt="xlsx", known_topics=TOPICS) == {"format": "xlsx"}
    assert bulk_parameters("erase", known_topics=TOPICS) == {}
    for kind, kwargs, field in (
        ("topic_remove", {"topic": "unknown"}, "topic"),
        ("membership", {"action": "apply"}, "membership_action"),
        ("export", {"fmt": "pdf"}, "format"),
        ("drop_table", {}, "action"),
    ):
        with pytest.raises(InvalidInput) as error:
            bulk_parameters(kind, known_topics=TOPICS, **kwargs)
        assert error.value.field == field


def test_progress_counts_failed_people_as_handled() -> None:
    assert job("running", 1000, 250, 250).percent == 50
    assert job("done", 0, 0).percent == 100
    assert job("queued", 0, 0).percent == 0
    assert job("cancelled", 10, 3).finished and not job("running", 10, 3).finished
