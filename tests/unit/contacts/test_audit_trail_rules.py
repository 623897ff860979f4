"""Other services' staff actions on the in-memory unit of work: kept as they happened."""

from __future__ import annotations

from datetime import UTC, datetime

from contacts.audit import service

from shared.events.audit import StaffActionV1
from tests.unit.fakes.contacts import FakeContactsUnitOfWork

AT = datetime(2026, 3, 1, 9, tzinfo=UTC)


async def test_another_services_staff_action_is_kept_with_its_own_time_and_actor() -> None:
    uow = FakeContactsUnitOfWork()
    action = StaffActionV1(
        service="newsletter",
        actor_id="staff-7",
        actor_role="editor",
        action="campaign.sent",
        target_type="campaign",
        target_id="c-1",
        occurred_at=AT,
        details={"recipients": 120},
    )
    await service.store_staff_action(uow, action)
    assert uow.staff_actions.rows == [
        {
            "service": "newsletter",
            "actor_id": "staff-7",
            "actor_role": "editor",
            "action": "campaign.sent",
            "target_type": "campaign",
            "target_id": "c-1",
            "details": {"recipients": 120},
            "occurred_at": AT,
        }
    ]
    assert uow.commits == 1 and uow.published == []
    # Contacts' own audit entries are a different path: nothing recorded there.
    assert uow.audit.entries == []


async def test_a_system_action_without_a_target_is_kept_too() -> None:
    uow = FakeContactsUnitOfWork()
    await service.store_staff_action(
        uow,
        StaffActionV1(
            service="surveys", actor_id="system:retention", action="retention.run", occurred_at=AT
        ),
    )
    (row,) = uow.staff_actions.rows
    assert (row["target_type"], row["target_id"], row["actor_role"]) == (None, None, None)
