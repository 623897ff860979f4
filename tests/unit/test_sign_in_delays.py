"""Failed sign-ins slow an account down, growing, and never lock its owner out for long."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from contacts.staff.domain import FREE_FAILURES, MAX_DELAY, StaffMember, delay_after

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_the_first_failures_are_free_then_each_doubles_the_wait_up_to_a_minute() -> None:
    delays = [delay_after(n).total_seconds() for n in range(1, 12)]
    assert delays[:FREE_FAILURES] == [0, 0, 0]
    assert delays[FREE_FAILURES:] == [2, 4, 8, 16, 32, 60, 60, 60]
    assert delay_after(10_000) == MAX_DELAY


def test_an_account_waits_after_failures_and_is_free_again_after_the_wait() -> None:
    member = StaffMember(
        id=uuid.uuid4(), email="e@digituki.fi", name="E", role="editor", password_hash="x"
    )
    for n in range(6):
        member = member.after_failure(NOW + timedelta(seconds=n))
    assert member.is_locked(NOW + timedelta(seconds=6))
    assert not member.is_locked(NOW + timedelta(seconds=5) + MAX_DELAY + timedelta(seconds=1))
    assert not member.after_success().is_locked(NOW)
