""" "Also subscribe to the newsletter" on an event's registration form: the same double opt-in
as /join (`signup.sign_up`), asked for over `events.newsletter-signup.v1`.

Runs inside the consumer's transaction with its inbox row, so a replayed record does
nothing twice. Nobody sees an outcome (the registration page answered long before), and
the rules are /join's: a known address is changed only when its owner confirms; someone
already subscribed with a confirmed address is not asked again; an address that got a
confirmation mail in the last ten minutes gets no second one.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Literal, Self

from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.errors import InvalidInput
from contacts.joined_unit_of_work import JoinedUnitOfWork
from contacts.legal import service as legal_service
from contacts.people.domain.person import MAX_NAME, normalise_email
from contacts.signup.domain import SignupForm
from contacts.signup.service.signup import ConfirmUrl, sign_up
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.events.newsletter_signup import NewsletterSignupRequestedV1

log = logging.getLogger(__name__)
Outcome = Literal["asked", "already_subscribed", "not_an_address", "recently_asked"]


class _InTransaction(JoinedUnitOfWork):
    """The consumer's connection and transaction: entering opens nothing, leaving closes
    nothing, `commit()` only writes the queued events (the consumer commits)."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class JoinedContactsUnitOfWork(SqlContactsUnitOfWork):
    """Contacts' typed unit of work over a transaction the caller holds."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._uow = _InTransaction(conn)


def _names(full: str) -> tuple[str, str]:
    """ "Aino Maria Virtanen" -> ("Aino Maria", "Virtanen"); one word is a first name."""
    words = full.split()
    if len(words) < 2:
        return (" ".join(words)[:MAX_NAME], "")
    return (" ".join(words[:-1])[:MAX_NAME], words[-1][:MAX_NAME])


async def sign_up_from_event(
    conn: AsyncConnection,
    request: NewsletterSignupRequestedV1,
    *,
    confirm_url: ConfirmUrl,
) -> Outcome:
    try:
        email = normalise_email(request.email)
    except InvalidInput:
        log.info("newsletter signup from an event registration: not an address, dropped")
        return "not_an_address"
    uow = JoinedContactsUnitOfWork(conn)
    async with uow:
        known = await uow.people.find_by_email(email)
    if (
        known is not None
        and known.subscription_state == "subscribed"
        and known.confirmed_at is not None
        and known.newsletter_consent
    ):
        return "already_subscribed"  # confirmed before: not asked again
    first, last = _names(request.name)
    form = SignupForm(
        email=email,
        first_name=first,
        last_name=last,
        language=request.language,
        organisation=request.organisation.strip()[:200],
        newsletter=True,
    )
    # The consent text a confirmation applies: the current one, as /join shows it.
    wording = (await legal_service.current(conn, "consent")).label
    signup_id = await sign_up(
        uow, form=form, ip=None, confirm_url=confirm_url, wording_version=wording
    )
    return "asked" if signup_id is not None else "recently_asked"
