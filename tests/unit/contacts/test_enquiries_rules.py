"""The contact form's rules and an enquiry's states, without infrastructure."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from contacts.audit.domain import Actor
from contacts.enquiries import service
from contacts.enquiries.domain import MAX_MESSAGE, MAX_REPLY, Enquiry, parse_enquiry
from contacts.enquiries.service import retention_cutoff
from contacts.errors import Conflict, InvalidInput, NotFound

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

AT = datetime(2026, 3, 1, 12, tzinfo=UTC)
GOOD = {
    "name": ["  Aino   Virtanen "],
    "email": [" Aino@Kirjava.EXAMPLE "],
    "organisation": ["Kirjasto  Kirjava"],
    "kind": ["suggestion"],
    "message": ["  Rivi 1\n\n  Rivi 2  "],
    "consent": ["yes"],
}


def _enquiry() -> Enquiry:
    form, errors, _ = parse_enquiry(GOOD, language="sv")
    assert form is not None, errors
    return Enquiry(id=uuid.UUID(int=1), form=form, created_at=AT)


def test_a_good_form_is_cleaned_and_keeps_the_messages_lines() -> None:
    form, errors, _ = parse_enquiry(GOOD, language="sv")
    assert errors == {} and form is not None
    assert (form.name, form.email, form.organisation) == (
        "Aino Virtanen",
        "aino@kirjava.example",
        "Kirjasto Kirjava",
    )
    assert (form.kind, form.language) == ("suggestion", "sv")
    assert form.message == "Rivi 1\n\n  Rivi 2"


def test_the_organisation_is_optional_and_an_unknown_language_falls_back_to_finnish() -> None:
    form, errors, _ = parse_enquiry({**GOOD, "organisation": []}, language="de")
    assert errors == {} and form is not None
    assert (form.organisation, form.language) == ("", "fi")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", " ", "Enter your name."),
        ("email", "not-an-address", "Enter an email address like name@example.fi."),
        ("kind", "spam", "Choose what your message is about."),
        ("message", "   ", "Write your message."),
        ("consent", "", "Agree to the processing of your message to send it."),
        ("message", "x" * (MAX_MESSAGE + 1), "This answer is too long."),
        ("name", "x" * 201, "This answer is too long."),
    ],
)
def test_each_field_is_checked_with_its_own_message(field: str, value: str, message: str) -> None:
    form, errors, shown = parse_enquiry({**GOOD, field: [value]}, language="fi")
    assert form is None
    assert errors[field] == message
    assert shown["name"] == "Aino Virtanen" or field == "name"  # answers are shown again
    assert all(len(v) <= 4000 for v in shown.values())  # what is shown again is bounded too


def test_a_reply_answers_the_enquiry_and_a_closed_one_must_be_reopened_first() -> None:
    enquiry = _enquiry()
    replied = enquiry.replied("  Tack!  ", reply_id=uuid.UUID(int=2), at=AT, by="staff-1")
    assert replied.state == "answered" and replied.replies[-1].body == "Tack!"
    closed = replied.acted("close", at=AT, by="staff-1")
    assert (closed.state, closed.closed_by) == ("closed", "staff-1")
    with pytest.raises(Conflict):
        closed.replied("Och en sak till", reply_id=uuid.UUID(int=3), at=AT, by="staff-1")
    with pytest.raises(Conflict):
        closed.acted("close", at=AT, by="staff-1")
    reopened = closed.acted("reopen", at=AT, by="staff-2")
    assert (reopened.state, reopened.closed_at) == ("answered", None)
    assert enquiry.acted("close", at=AT, by="x").acted("reopen", at=AT, by="x").state == "open"
    with pytest.raises(Conflict):
        enquiry.acted("reopen", at=AT, by="x")


@pytest.mark.parametrize("body", ["", "   ", "x" * (MAX_REPLY + 1)])
def test_an_empty_or_too_long_reply_is_refused(body: str) -> None:
    with pytest.raises(InvalidInput) as error:
        _enquiry().replied(body, reply_id=uuid.UUID(int=2), at=AT, by="staff-1")
    assert error.value.field == "reply"


def test_closed_enquiries_are_kept_the_configured_months() -> None:
    assert retention_cutoff(12, AT) == datetime(2025, 3, 6, 12, tzinfo=UTC)


async def test_staff_answer_close_reopen_and_erase_an_enquiry_on_the_unit_of_work() -> None:
    uow = FakeContactsUnitOfWork()
    form, _, _ = parse_enquiry(GOOD, language="sv")
    assert form is not None
    staff = Actor(id="staff-1", role="editor")
    enquiry_id = await service.submit(uow, form, at=AT)
    assert uow.people.rows == {}  # asking a question is not joining the network
    answered = await service.reply(uow, enquiry_id, "Kiitos, palaamme asiaan.", actor=staff, at=AT)
    assert answered.state == "answered" and len(answered.replies) == 1
    (mail,) = uow.mail_requests()
    assert (mail.template_key, mail.to_email, mail.language, mail.contact_id) == (
        "enquiry_reply",
        "aino@kirjava.example",
        "sv",
        None,
    )
    assert mail.variables["reply"] == "Kiitos, palaamme asiaan."
    closed = await service.act(uow, enquiry_id, "close", actor=staff, at=AT)
    with pytest.raises(Conflict):
        await service.reply(uow, enquiry_id, "Vielä yksi", actor=staff, at=AT)
    assert closed.state == "closed" and len(uow.mail_requests()) == 1
    reopened = await service.act(uow, enquiry_id, "reopen", actor=staff, at=AT)
    assert reopened.state == "answered"
    found, counts = await service.queue(uow, state="answered")
    assert [e.id for e in found] == [enquiry_id] and counts == {"answered": 1}
    await service.erase(uow, enquiry_id, actor=staff)
    with pytest.raises(NotFound):
        await service.get(uow, enquiry_id)
    assert [e.action for e in uow.audit.entries] == [
        "enquiry.replied",
        "enquiry.closed",
        "enquiry.reopened",
        "enquiry.erased",
    ]
    assert all("palaamme" not in str(e.details) for e in uow.audit.entries)
