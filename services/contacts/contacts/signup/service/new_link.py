"""A fresh confirmation link for a pending signup whose link expired."""

from __future__ import annotations

import uuid

from contacts.errors import InvalidInput
from contacts.people.domain.person import normalise_email
from contacts.signup.service.signup import ConfirmUrl, request_confirmation_mail
from contacts.unit_of_work import ContactsUnitOfWork


async def send_new_link(uow: ContactsUnitOfWork, *, email: str, confirm_url: ConfirmUrl) -> bool:
    """Mail a new link to the newest unconfirmed signup of this address; False if there is none.

    The caller answers the same either way: the result is for tests and logs only.
    """
    try:
        address = normalise_email(email)
    except InvalidInput:
        return False
    async with uow:
        person = await uow.people.find_by_email(address)
        if person is None:
            return False
        signup_id = await uow.consents.newest_pending_signup(person.id)
        if signup_id is None:
            return False
        # Each request is a new mail: the first one's key would be deduplicated away.
        key = f"signup-confirmation:{signup_id}:again:{uuid.uuid4()}"
        request_confirmation_mail(uow, person, signup_id, confirm_url, key=key)
        await uow.commit()
    return True
