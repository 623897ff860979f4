"""An enquiry answered by staff reaches the sender's mailbox: the contact form, the staff reply,
contacts' outbox, Kafka, the newsletter's mail pipeline, SMTP (the mail catcher)."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.conftest import Workers
from tests.integration.test_contacts_signup_pages import make_client
from tests.integration.test_enquiries import EDITOR, FORM
from tests.support.mail_catcher import summaries_to
from tests.support.polling import eventually


async def test_a_staff_reply_to_an_enquiry_arrives_in_the_senders_language(
    workers: Workers, engines: dict[str, AsyncEngine]
) -> None:
    email = f"kysyja.{uuid.uuid4().hex[:6]}@kirjasto.example"
    async with make_client() as client:
        sent = await client.post("/contact?lang=sv", data={**FORM, "email": email})
        assert sent.status_code == 200
        async with engines["contacts"].connect() as conn:
            enquiry_id = (
                await conn.execute(text("SELECT id FROM enquiries WHERE email = :e"), {"e": email})
            ).scalar_one()
        replied = await client.post(
            f"/staff/enquiries/{enquiry_id}/reply",
            data={"reply": "Hej Aino,\nvälkommen med i nätverket!", "csrf_token": "right"},
            headers=EDITOR,
        )
        assert replied.status_code == 303, replied.text
    mails = await eventually(
        lambda: summaries_to(email),
        lambda found: len(found) == 1,
        timeout=40,
        what="the reply mail",
    )
    assert mails[0]["subject"] == "Svar på ditt meddelande till Digistöd"
