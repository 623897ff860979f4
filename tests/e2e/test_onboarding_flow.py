"""Onboarding end to end: membership approved → join code mail on Kafka → the newsletter worker
sends it → the code read from the mail at the SMTP catcher → the admin pastes it → approve →
`approved` on contacts.events.v1, in contacts' projection and in both replicas."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from contacts.onboarding.service import onboarding
from contacts.onboarding.service.onboarding import OnboardingSettings
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.conftest import Workers
from tests.e2e.test_contact_replication import REPLICAS, replica_row
from tests.e2e.test_signup_flow import mail_request_on_kafka
from tests.support.infra import Infra
from tests.support.mail_catcher import mails_to
from tests.support.polling import eventually


async def caught_text(to: str) -> str | None:
    """The plain-text part of the newest mail to `to` at the SMTP catcher, if any."""
    mails = await mails_to(to)
    return str(mails[-1].get("text") or "") if mails else None


async def activity_kinds(engine: AsyncEngine, contact_id: str) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT kind FROM activity WHERE person_id = :p ORDER BY id"), {"p": contact_id}
        )
        return list(rows.scalars())


async def test_join_code_from_the_kafka_mail_approves_the_person_everywhere(
    workers: Workers,
    infra: Infra,
    topics: str,
    engines: dict[str, AsyncEngine],
    contacts_api: httpx.AsyncClient,
) -> None:
    email = f"ilona.{uuid.uuid4().hex[:6]}@kirjasto.example"
    created = await contacts_api.post(
        "/api/contacts/people", json={"email": email, "first_name": "Ilona"}
    )
    assert created.status_code == 201, created.text
    contact_id = created.json()["id"]
    membership = f"/api/contacts/people/{contact_id}/membership"
    for action in ("apply", "approve"):
        answer = await contacts_api.post(membership, json={"action": action})
        assert answer.status_code == 200, answer.text

    mail = await mail_request_on_kafka(infra, topics, contact_id)
    assert mail["headers"]["ce_type"] == "fi.digituki.mail.requested.v1"
    assert mail["data"]["template_key"] == "onboarding_invitation"
    code = mail["data"]["variables"]["join_code"]
    body = await eventually(
        lambda: caught_text(email),
        lambda t: t is not None,
        timeout=60,
        what="the invitation at the SMTP catcher",
    )
    assert body is not None
    in_mail = re.findall(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b", body)
    assert in_mail == [code], body  # the admin gets what the person read in the mail

    pasted = f"Ilona  ·  vastaus: {code}\nJoku Muu"
    matched = await contacts_api.post("/api/contacts/onboarding/match", json={"text": pasted})
    assert matched.status_code == 200, matched.text
    assert [m["person_id"] for m in matched.json()["matched"]] == [contact_id]
    assert matched.json()["matched"][0]["person"]["membership_state"] == "active"
    decided = await contacts_api.post(
        "/api/contacts/onboarding/decide", json={"decision": "approve", "person_ids": [contact_id]}
    )
    assert (decided.json()["decided"], decided.json()["refused"]) == ([contact_id], [])

    for service in ("contacts", *REPLICAS):
        row = await eventually(
            lambda s=service: replica_row(engines[s], contact_id),
            lambda r: r is not None and r["onboarding_state"] == "approved",
            what=f"{service} projection shows the approval",
        )
        assert row is not None and row["membership_state"] == "active"
    # The same code again, a mistyped one and an expired one: listed with the reason.
    other = await contacts_api.post(
        "/api/contacts/people", json={"email": f"old.{email}", "first_name": "Vanha"}
    )
    long_ago = datetime.now(UTC) - timedelta(days=OnboardingSettings().code_valid_days + 1)
    expired = await onboarding.invite(
        SqlContactsUnitOfWork(engines["contacts"]),
        uuid.UUID(other.json()["id"]),
        settings=OnboardingSettings(),
        actor=None,
        at=long_ago,
    )
    mistyped = code[:-1] + ("2" if code[-1] != "2" else "3")
    again = await contacts_api.post(
        "/api/contacts/onboarding/match", json={"text": f"{code}\n{mistyped}\n{expired}"}
    )
    assert [u["reason"] for u in again.json()["unmatched"]] == [
        "reused_code",
        "unknown_code",
        "expired_code",
    ]

    kinds = await activity_kinds(engines["contacts"], contact_id)
    assert kinds.index("onboarding_invited") < kinds.index("onboarding_requested")
    assert kinds.index("onboarding_requested") < kinds.index("onboarding_approved")
