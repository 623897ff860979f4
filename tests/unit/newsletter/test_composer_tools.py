"""The composer's tools on the in-memory unit of work: merge-field defaults and warnings,
the audited link-check override, event dates in Helsinki time across both DST switches,
topics from a list, test links, and the statistics' rates."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from email import message_from_bytes
from email.header import decode_header, make_header
from types import SimpleNamespace
from typing import Any

import pytest
from newsletter.campaigns import service
from newsletter.campaigns.domain import Block, Campaign, Variant
from newsletter.composer import service as composer
from newsletter.composer.domain import event_date_local, event_date_stored
from newsletter.composer.form import (
    draft_of_form,
    empty_block,
    empty_form,
    form_of_post,
    topic_choices,
)
from newsletter.composer.merge import fields_used, personal, with_defaults, without_empty_fields
from newsletter.composer.test_links import link_of_test_mail
from newsletter.delivery.compose import CampaignInfo, Composer
from newsletter.errors import InvalidInput
from newsletter.mail.blocks import event_when
from newsletter.mail.templates import MailTemplates
from newsletter.settings import NewsletterSettings
from newsletter.statistics.domain import rates

from shared.web.staff import Staff
from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork

STAFF = Staff(id="e1", role="editor")
SETTINGS = NewsletterSettings(environment="development", link_check="syntax")
CONTENT = {
    "fi": {
        "subject": "Uutiskirje",
        "blocks": [
            {"type": "heading", "text": "Hei {{ first_name }}!"},
            {"type": "text", "text": "Tervetuloa. {{ organisation_name }} on mukana."},
            {"type": "button", "text": "Lue", "url": "https://example.fi/a"},
        ],
    }
}


def person(**values: Any) -> dict[str, Any]:
    return {
        "contact_id": uuid.uuid4(),
        "email": f"{uuid.uuid4().hex[:8]}@example.fi",
        "first_name": "Aino",
        "last_name": "Virtanen",
        "organisation_name": "Kirjasto",
        "language": "fi",
        "region": "01",
        "topics": [],
        "erased": False,
        "newsletter_consent": True,
        "subscription_state": "subscribed",
        "confirmed_at": datetime(2026, 1, 1, tzinfo=UTC),
        "email_status": "ok",
    } | values


async def draft(uow: FakeNewsletterUnitOfWork) -> uuid.UUID:
    campaign = Campaign(
        id=uuid.uuid4(),
        name="Joulukuu",
        content=CONTENT,
        default_language="fi",
        fallback_language="fi",
    )
    await uow.campaigns.add(campaign)
    return campaign.id


def test_an_empty_merge_field_leaves_no_space_behind() -> None:
    assert personal("Hei {{ first_name }}!", {"first_name": ""}) == "Hei!"
    assert personal("Hei {{first_name}}!", {"first_name": "Aino"}) == "Hei Aino!"
    assert personal("Hei {{ first_name }}!", {}) == "Hei!"
    filled = with_defaults({"first_name": " ", "region": "Uusimaa"})
    assert filled["region"] == "Uusimaa"
    assert without_empty_fields(f"Hej {filled['first_name']}, {filled['region']}") == (
        "Hej, Uusimaa"
    )


def test_fields_used_names_each_field_once_with_its_sentence() -> None:
    variant = Variant(
        subject="Uutiset",
        preheader="",
        blocks=(
            Block("heading", text="Hei {{ first_name }}!"),
            Block("text", text="Tervetuloa. {{ organisation_name }} on mukana. Kiitos!"),
            Block("text", text="Moi {{ first_name }} taas"),
        ),
    )
    used = fields_used({"fi": variant})
    assert [(u.field, u.sentence) for u in used] == [
        ("first_name", "Hei {{ first_name }}!"),
        ("organisation_name", "{{ organisation_name }} on mukana."),
    ]
    assert used[0].label == "first name"


async def test_missing_fields_counts_the_audience_and_shows_what_one_of_them_reads() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.audiences.people += [
        person(email="a@example.fi"),
        person(email="b@example.fi", first_name=None),
        person(email="c@example.fi", first_name="  ", organisation_name=""),
    ]
    campaign_id = await draft(uow)
    missing = await composer.missing_fields(uow, campaign_id)
    found = {m.use.field: (m.count, m.example) for m in missing}
    assert found == {
        "first_name": (2, "Hei!"),
        "organisation_name": (1, "on mukana."),
    }


async def test_nobody_lacking_a_field_means_no_warning() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.audiences.people += [person()]
    assert await composer.missing_fields(uow, await draft(uow)) == []


@pytest.fixture
def dead_links(monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(urls: Any, mode: str) -> dict[str, str]:
        return {"https://example.fi/a": "answers HTTP 404"}

    monkeypatch.setattr(service, "broken_links", broken)


@pytest.mark.usefixtures("dead_links")
async def test_broken_links_refuse_until_an_editor_gives_a_reason_which_is_audited() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.audiences.people += [person()]
    campaign_id = await draft(uow)
    with pytest.raises(service.SendRefused) as refused:
        await service.send_now(uow, staff=STAFF, campaign_id=campaign_id, settings=SETTINGS)
    [link] = refused.value.refusals
    assert (link.link, link.why) == ("https://example.fi/a", "answers HTTP 404")
    with pytest.raises(service.SendRefused) as no_reason:
        await service.send_now(
            uow, staff=STAFF, campaign_id=campaign_id, settings=SETTINGS, link_override="  "
        )
    assert no_reason.value.refusals[-1].field == "override_reason"
    assert uow.campaigns.rows[campaign_id].status == "draft"
    sent = await service.send_now(
        uow,
        staff=STAFF,
        campaign_id=campaign_id,
        settings=SETTINGS,
        link_override="Intranet link, works inside the library network",
    )
    assert sent == 1
    assert uow.audit_actions() == ["campaign.link_check_overridden", "campaign.sent"]
    entry = uow.published[0][2].data
    assert entry["details"] == {
        "links": [{"url": "https://example.fi/a", "why": "answers HTTP 404"}],
        "reason": "Intranet link, works inside the library network",
    }


@pytest.mark.usefixtures("dead_links")
async def test_a_reason_overrides_only_the_link_check_not_other_refusals() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.audiences.people += [person(language="sv")]
    campaign_id = await draft(uow)
    uow.campaigns.rows[campaign_id].fallback_language = None
    with pytest.raises(service.SendRefused) as refused:
        await service.send_now(
            uow, staff=STAFF, campaign_id=campaign_id, settings=SETTINGS, link_override="ok"
        )
    assert {r.field for r in refused.value.refusals} >= {"content.sv"}
    assert uow.audit_actions() == []


async def test_a_test_send_tells_its_copy_and_addresses() -> None:
    uow = FakeNewsletterUnitOfWork()
    campaign_id = await draft(uow)
    sent = await composer.send_test_copy(
        uow,
        staff=STAFF,
        campaign_id=campaign_id,
        addresses=["b@example.fi", "a@example.fi"],
        language="fi",
        settings=SETTINGS,
    )
    assert sent.addresses == ["b@example.fi", "a@example.fi"]
    assert uow.campaigns.rows[sent.copy_id].test_of == campaign_id


def test_test_links_name_their_kind_and_language() -> None:
    link = link_of_test_mail("https://digituki.fi/", "preferences", "sv")
    assert link == "https://digituki.fi/newsletter/test-link?kind=preferences&lang=sv"
    assert link_of_test_mail("https://d.fi", "unsubscribe", "xx").endswith("lang=fi")


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        ("2026-03-29T02:30", datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),  # before spring forward
        ("2026-03-29T04:30", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),  # after: UTC+3
        ("2026-10-25T03:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # overlap: summer time
        ("2026-10-25T04:30", datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),  # after: UTC+2
    ],
    ids=["spring-before", "spring-after", "autumn-overlap", "autumn-after"],
)
def test_event_dates_are_helsinki_time_on_both_dst_switch_days(local: str, utc: datetime) -> None:
    stored = event_date_stored(local, "content.fi.blocks.0.date")
    assert datetime.fromisoformat(stored) == utc
    assert event_date_local(stored) == local  # the form shows what the editor chose


def test_an_event_time_in_the_spring_gap_is_refused_not_guessed() -> None:
    with pytest.raises(InvalidInput) as refused:
        event_date_stored("2026-03-29T03:30", "content.fi.blocks.2.date")
    assert refused.value.field == "content.fi.blocks.2.date"


def test_free_text_event_dates_of_older_campaigns_stay_as_typed() -> None:
    assert event_date_stored("1.12.2026 10:00", "f") == "1.12.2026 10:00"
    assert event_date_local("1.12.2026 10:00") == "1.12.2026 10:00"
    assert event_when("1.12.2026 10:00", "fi") == "1.12.2026 10:00"


def test_event_dates_read_in_each_language_in_helsinki_time() -> None:
    stored = event_date_stored("2026-10-25T10:05", "f")
    assert event_when(stored, "fi") == "25.10.2026 klo 10.05"
    assert event_when(stored, "sv") == "25.10.2026 kl. 10.05"
    assert event_when(stored, "en") == "25 October 2026, 10:05 (Helsinki)"


def test_the_composer_form_stores_an_event_date_as_its_instant_and_topics_as_ticked() -> None:
    form = empty_form()
    data = {
        "name": "Webinaari",
        "subject-fi": "Tule mukaan",
        "block-count": "1",
        "block-0-type": "event",
        "block-0-date": "2026-03-29T10:00",
        "block-0-url": "https://example.fi/r",
        "block-0-text-fi": "Tekoäly",
    }
    form = form_of_post(data, {"languages": ["fi"], "topics": ["tekoaly", " ", "tekoaly"]})
    assert form["topics"] == ["tekoaly", "tekoaly"]
    made = draft_of_form(form)
    assert made.topics == ["tekoaly"]
    assert made.content["fi"]["blocks"][0]["date"] == "2026-03-29T07:00:00+00:00"
    assert empty_block("event")["date"] == ""


def test_topics_are_offered_by_name_with_followers_and_the_chosen_ones_kept() -> None:
    choices = topic_choices({"tekoaly-ja-sina": 3, "webinaarit": 1}, ["vanha_aihe"])
    assert [(c["label"], c["followers"], c["checked"]) for c in choices] == [
        ("Tekoaly ja sina", 3, False),
        ("Vanha aihe", 0, True),
        ("Webinaarit", 1, False),
    ]


def test_rates_say_what_they_are_a_share_of() -> None:
    stats = {
        "sent": 90,
        "bounces": 10,
        "opens": {"total": 80, "unique": 45},
        "clicks": {"total": 30, "unique": 9},
        "unsubscribes": 2,
        "tracking": True,
    }
    found = {r.key: (r.percent, r.numerator, r.denominator) for r in rates(stats)}
    assert list(found) == ["delivery", "open", "click", "click_to_open", "unsubscribe", "bounce"]
    assert found["delivery"] == (90.0, 90, 100)
    assert found["open"] == (50.0, 45, 90)
    assert found["click"] == (10.0, 9, 90)
    assert found["click_to_open"] == (20.0, 9, 45)
    assert found["unsubscribe"] == (2.2, 2, 90)
    assert found["bounce"] == (10.0, 10, 100)
    untracked = {r.key: r.percent for r in rates(stats | {"tracking": False, "sent": 0})}
    assert untracked["open"] is None and untracked["delivery"] == 0.0


def composed(
    contact_id: uuid.UUID | None, variables: dict[str, str], *, tracking: bool = False
) -> tuple[str, str]:
    """(subject header, decoded body) of a campaign mail as the delivery worker builds it."""
    base = "https://digituki.test"
    settings = NewsletterSettings(public_base_url=base, link_secret="s" * 40, secret_key="k" * 40)
    row = SimpleNamespace(
        id=uuid.uuid4(),
        origin="campaign_test" if contact_id is None else "campaign",
        origin_id=None,
        origin_label="Joulukuu",
        origin_group=None,
        contact_id=contact_id,
        to_email="editor@digituki.fi",
        to_name="",
        language="fi",
        variables=variables,
        attempts=0,
        template_key=None,
    )
    content = {"fi": {"subject": "Hei {{ first_name }}!", "blocks": CONTENT["fi"]["blocks"]}}
    info = CampaignInfo.of(
        {
            "id": uuid.uuid4(),
            "version": 1,
            "content": content,
            "default_language": "fi",
            "tracking": tracking,
        }
    )
    message = message_from_bytes(
        Composer(settings, MailTemplates(base_url=base)).job(row, info).data
    )
    subject = str(make_header(decode_header(str(message["Subject"]))))
    body = "".join(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() in ("text/plain", "text/html")
    )
    return subject, body


@pytest.mark.parametrize("tracking", [False, True], ids=["untracked", "tracked"])
def test_a_test_mail_greets_without_a_gap_and_its_links_say_they_are_test_links(
    tracking: bool,
) -> None:
    subject, body = composed(None, {"first_name": "", "organisation_name": ""}, tracking=tracking)
    assert subject == "Hei!"
    assert "Hei !" not in body and "Hei!" in body
    assert "https://digituki.test/newsletter/test-link?kind=unsubscribe&amp;lang=fi" in body
    assert "https://digituki.test/newsletter/test-link?kind=preferences&amp;lang=fi" in body
    assert "/unsubscribe/" not in body and "/preferences/" not in body


def test_a_real_mail_keeps_the_name_and_its_personal_links() -> None:
    subject, body = composed(uuid.uuid4(), {"first_name": "Aino", "organisation_name": "K"})
    assert subject == "Hei Aino!"
    assert "https://digituki.test/unsubscribe/" in body and "test-link" not in body
