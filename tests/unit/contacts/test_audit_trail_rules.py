"""Other services' staff actions on the in-memory unit of work: kept as they happened."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from contacts.audit import service
from contacts.people.domain.person import Person
from contacts.staff.domain import StaffMember

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


# -- the audit page's and API's reads (`service.entries`, `service.log_page`)


async def _entry(
    uow: FakeContactsUnitOfWork,
    action: str,
    *,
    service_name: str = "contacts",
    actor_id: str | None = None,
    target: tuple[str, str] | None = None,
    at: datetime = AT,
) -> None:
    await uow.staff_actions.add(
        service=service_name,
        actor_id=actor_id,
        actor_role="editor" if actor_id else None,
        action=action,
        target_type=target[0] if target else None,
        target_id=target[1] if target else None,
        details={},
        occurred_at=at,
    )


async def test_entries_are_newest_first_filtered_and_paged() -> None:
    uow = FakeContactsUnitOfWork()
    for day in range(1, 6):
        await _entry(uow, f"segment.created.{day}", at=AT.replace(day=day))
    await _entry(uow, "campaign.sent", service_name="newsletter", at=AT.replace(day=9))
    where = service.audit_filter("contacts", "", "segment.", None, None)
    first, total = await service.entries(uow, where, page=1, per_page=2)
    assert total == 5
    assert [e["action"] for e in first] == ["segment.created.5", "segment.created.4"]
    last, _ = await service.entries(uow, where, page=3, per_page=2)
    assert [e["action"] for e in last] == ["segment.created.1"]


async def test_entries_of_an_empty_log_or_a_filter_nothing_matches_are_none() -> None:
    uow = FakeContactsUnitOfWork()
    everything = service.audit_filter("", "", "", None, None)
    assert await service.entries(uow, everything, page=1, per_page=50) == ([], 0)
    await _entry(uow, "campaign.sent", service_name="newsletter")
    surveys = service.audit_filter("surveys", "", "", None, None)
    assert await service.entries(uow, surveys, page=1, per_page=50) == ([], 0)
    assert uow.commits == 0


async def test_the_log_page_names_staff_and_what_the_entries_are_about() -> None:
    uow = FakeContactsUnitOfWork()
    editor = StaffMember.new(
        email="eeva@example.fi", name="Eeva Editori", role="editor", password_hash="x"
    )
    await uow.staff.add(editor)
    person = Person.new(email="aino@example.fi", first_name="Aino", last_name="Virtanen")
    await uow.people.add(person)
    await _entry(uow, "person.tagged", actor_id=str(editor.id), target=("person", str(person.id)))
    await _entry(
        uow,
        "campaign.sent",
        service_name="newsletter",
        actor_id=str(editor.id),
        at=AT.replace(day=2),
    )
    await _entry(uow, "staff.created", target=("staff", str(editor.id)), at=AT.replace(day=3))
    where = service.audit_filter("", "", "", None, None)
    found = await service.log_page(uow, where, page=1, per_page=50)
    assert found.total == 3
    assert [e["action"] for e in found.entries] == [
        "staff.created",
        "campaign.sent",
        "person.tagged",
    ]
    assert found.services == ["contacts", "newsletter"]
    assert found.names.who(str(editor.id)) == "Eeva Editori"
    assert found.names.target("person", str(person.id)) == "Aino Virtanen"
    assert found.names.target("staff", str(editor.id)) == "Eeva Editori"
    assert uow.commits == 0 and uow.published == []


async def test_the_log_page_of_an_empty_log_has_no_entries_services_or_targets() -> None:
    uow = FakeContactsUnitOfWork()
    found = await service.log_page(
        uow, service.audit_filter("", "", "", None, None), page=1, per_page=50
    )
    assert (found.entries, found.total, found.services) == ([], 0, [])
    assert dict(found.names.targets) == {}


def test_the_audit_log_has_one_writer() -> None:
    """Contacts' own actions (`uow.audit`) and other services' (`uow.staff_actions`) are
    written by audit/repository.py `add`; no other module inserts into the table."""
    root = Path(__file__).resolve().parents[3] / "services" / "contacts" / "contacts"
    writers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if re.search(r"insert\(\s*audit_log|INSERT INTO audit_log", path.read_text(), re.I)
    )
    assert writers == ["audit/repository.py"]
