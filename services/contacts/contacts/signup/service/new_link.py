"""A fresh confirmation link for a pending signup whose link expired."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.consents import repository as consents
from contacts.errors import InvalidInput
from contacts.people import repository as people
from contacts.people.domain.person import normalise_email
from contacts.signup.service.signup import ConfirmUrl, request_confirmation_mail
from contacts.unit_of_work import unit_of_work


async def send_new_link(engine: AsyncEngine, *, email: str, confirm_url: ConfirmUrl) -> bool:
    """Mail a new link to the newest unconfirmed signup of this address; False if there is none.

    The caller answers the same either way: the result is for tests and logs only.
    """
    try:
        address = normalise_email(email)
    except InvalidInput:
        return False
    async with unit_of_work(engine) as uow:
        person = await people.find_by_email(uow.conn, address)
        if person is None:
            return False
        pending = [
            s for s in await consents.signups_of(uow.conn, person.id) if not s["confirmed_at"]
        ]
        if not pending:
            return False
        signup_id: uuid.UUID = pending[-1]["id"]
        # Each request is a new mail: the first one's key would be deduplicated away.
        key = f"signup-confirmation:{signup_id}:again:{uuid.uuid4()}"
        request_confirmation_mail(uow, person, signup_id, confirm_url, key=key)
        await uow.commit()
    return True
