"""Onboarding end to end: membership approved → join code mail on Kafka → the admin pastes the
code → approve → `approved` in contacts' projection and in both replicas."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.conftest import Workers
from tests.e2e.test_contact_replication import REPLICAS, replica_row
from tests.e2e.test_signup_flow import mail_request_on_kafka
from tests.support.infra import Infra
from tests.support.polling import eventually


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

    pasted = f"Ilona  ·  vastaus: {code}\nJoku Muu"
    matched = await contacts_api.post("/api/contacts/onboarding/match", json={"text": pasted})
    assert matched.status_code == 200, matched.text
    assert [m["person_id"] for m in matched.json()["matched"]] == [contact_id]
    assert matched.json()["matched"][0]["person"]["membership_state"] == "active"
    decided = await contacts_api.post(
        "/api/contacts/onboarding/decide", json={"decision": "approve", "person_ids": [contact_id]}
    )
    assert decided.json() == {"decided": [contact_id], "refused": []}

    for service in ("contacts", *REPLICAS):
        row = await eventually(
            lambda s=service: replica_row(engines[s], contact_id),
            lambda r: r is not None and r["onboarding_state"] == "approved",
            what=f"{service} projection shows the approval",
        )
        assert row is not None and row["membership_state"] == "active"
