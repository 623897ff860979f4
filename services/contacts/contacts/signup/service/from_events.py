""" "Also subscribe to the newsletter" on an event's registration form: the same double opt-in
as /join (`signup.sign_up`), asked for over `events.newsletter-signup.v1`.

Runs inside the consumer's transaction with its inbox row (the handler passes contacts' unit
of work joined to it), so a replayed record does nothing twice. Nobody sees an outcome (the
registration page answered long before), and the rules are /join's: a known address is
changed only when its owner confirms; someone already subscribed with a confirmed address is
not asked again; an address that got a confirmation mail in the last ten minutes gets no
second one.
"""

from __future__ import annotations

import logging
from typing import Literal

from contacts.errors import InvalidInput
from contacts.legal import service as legal_service
from contacts.people.domain.person import MAX_NAME, normalise_email
from contacts.signup.domain import SignupForm
from contacts.signup.service.signup import ConfirmUrl, sign_up
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.newsletter_signup import NewsletterSignupRequestedV1

log = logging.getLogger(__name__)
Outcome = Literal["asked", "already_subscribed", "not_an_address", "recently_asked"]


def _names(full: str) -> tuple[str, str]:
    """ "Aino Maria Virtanen" -> ("Aino Maria", "Virtanen"); one word is a first name."""
    words = full.split()
    if len(words) < 2:
        return (" ".join(words)[:MAX_NAME], "")
    return (" ".join(words[:-1])[:MAX_NAME], words[-1][:MAX_NAME])


async def sign_up_from_event(
    uow: ContactsUnitOfWork,
    request: NewsletterSignupRequestedV1,
    *,
    confirm_url: ConfirmUrl,
) -> Outcome:
    try:
        email = normalise_email(request.email)
    except InvalidInput:
        log.info("newsletter signup from an event registration: not an address, dropped")
        return "not_an_address"
    async with uow:
        known = await uow.people.find_by_email(email)
        # The consent text a confirmation applies: the current one, as /join shows it.
        wording = (await legal_service.current(uow, "consent")).label
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
    signup_id = await sign_up(
        uow, form=form, ip=None, confirm_url=confirm_url, wording_version=wording
    )
    return "asked" if signup_id is not None else "recently_asked"
