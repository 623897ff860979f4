"""The people pages name every stored code and say every message in Finnish too: the labels
and messages come from Python, where the template catalog test cannot see them."""

from __future__ import annotations

import pytest
from contacts.people import labels
from contacts.people.domain.form import DUPLICATE_EMAIL, MESSAGES
from contacts.people.pages import actions, gdpr
from contacts.rendering import HERE

from shared.i18n import translator

SHOWN = sorted(
    {
        *(text for table in labels.ALL for text in table.values()),
        *MESSAGES.values(),
        DUPLICATE_EMAIL,
        actions.REASON_NEEDED,
        actions.NOT_NOW,
        gdpr.TYPE_THE_ADDRESS,
    }
)


@pytest.mark.parametrize("text", SHOWN)
def test_each_label_and_message_of_the_people_pages_has_its_finnish(text: str) -> None:
    finnish = translator([HERE / "locale"], "fi")(text)
    assert finnish != text, f"no Finnish for {text!r}"


def test_every_code_of_the_domain_has_a_name() -> None:
    from contacts.consents.domain import PURPOSES
    from contacts.memberships.domain import ECOSYSTEM_ROLES, TRANSITIONS
    from contacts.people.domain.person import EMAIL_STATUSES, LANGUAGES

    assert set(LANGUAGES) == set(labels.LANGUAGE_LABELS)
    assert set(EMAIL_STATUSES) == set(labels.EMAIL_STATUS_LABELS)
    assert set(ECOSYSTEM_ROLES) == set(labels.ECOSYSTEM_ROLE_LABELS)
    assert set(PURPOSES) == set(labels.CONSENT_PURPOSE_LABELS)
    assert set(TRANSITIONS) == set(labels.MEMBERSHIP_ACTION_LABELS)
    states = {target for _sources, target in TRANSITIONS.values()}
    assert states | {"none"} == set(labels.MEMBERSHIP_LABELS)
