"""Contacts puts a confirmed, identified self-assessment result on the person's timeline."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
from contacts.assessments.service import apply_result
from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.merging.service import merge_people
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.surveys import AssessmentResultV1


def result(contact_id: uuid.UUID) -> AssessmentResultV1:
    return AssessmentResultV1(
        attempt_id=uuid.uuid4(),
        assessment_id=uuid.uuid4(),
        contact_id=contact_id,
        taken_on=date(2026, 11, 20),
        percents={"digital_security": 33, "data_protection": 100},
        area_names={
            "digital_security": "Digitaalinen turvallisuus",
            "data_protection": "Tietosuoja",
        },
        weak_areas=["digital_security"],
    )


async def test_a_result_reaches_the_timeline_and_one_for_nobody_known_is_passed_over(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    created = await api.post(
        "/api/contacts/people", json={"email": f"sa-{uuid.uuid4().hex[:6]}@example.fi"}
    )
    pid = uuid.UUID(created.json()["id"])
    async with engine.begin() as conn:
        assert await apply_result(JoinedContactsUnitOfWork(conn), result(pid))
        assert not await apply_result(JoinedContactsUnitOfWork(conn), result(uuid.uuid4()))
    async with engine.connect() as conn:
        kinds = (
            await conn.execute(
                text("SELECT kind, source FROM activity WHERE person_id = :p"), {"p": pid}
            )
        ).all()
    assert ("self_assessed", "surveys") in [tuple(k) for k in kinds]
    page = await api.get(f"/staff/people/{pid}", headers={"Accept-Language": "fi"})
    assert "Teki itsearviointitestin" in page.text
    assert "Digitaalinen turvallisuus 33 %, Tietosuoja 100 %" in page.text


async def test_a_merge_keeps_the_weak_areas_of_the_latest_result_of_either_record(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    ids = []
    for name in ("keep", "other"):
        created = await api.post(
            "/api/contacts/people", json={"email": f"{name}-{uuid.uuid4().hex[:6]}@example.fi"}
        )
        ids.append(uuid.UUID(created.json()["id"]))
    keep, other = ids
    earlier = result(keep).model_copy(
        update={"percents": {"digital_security": 90}, "weak_areas": []}
    )
    later = result(other).model_copy(update={"taken_on": date(2026, 11, 25)})
    async with engine.begin() as conn:
        assert await apply_result(JoinedContactsUnitOfWork(conn), earlier)
        assert await apply_result(JoinedContactsUnitOfWork(conn), later)
    await merge_people(SqlContactsUnitOfWork(engine), keep_id=keep, merge_id=other, actor=None)
    async with engine.connect() as conn:
        weak = (
            await conn.execute(
                text("SELECT weak_areas FROM contact_snapshot WHERE contact_id = :p"), {"p": keep}
            )
        ).scalar_one()
        moved = (
            await conn.execute(
                text("SELECT count(*) FROM assessment_results WHERE person_id = :p"), {"p": keep}
            )
        ).scalar_one()
    assert (weak, moved) == (["digital_security"], 2)
