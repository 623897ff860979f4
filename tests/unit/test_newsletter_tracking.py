"""Link rewriting and tracking tokens, without infrastructure."""

from __future__ import annotations

import quopri
import re
import uuid
from types import SimpleNamespace

import pytest
from newsletter.delivery.compose import CampaignInfo, Composer
from newsletter.mail.templates import MailTemplates
from newsletter.settings import NewsletterSettings
from newsletter.tracking.domain import PERSONAL_SENTINEL, rewrite_links, strip_personal_links
from newsletter.tracking.service import BadTrackingLink, read_token

from shared.tokens import TokenKeys, sign

BASE = "https://digituki.test"
TARGET = "https://example.fi/tapahtumat?a=1&b=2"
CONTENT = {
    "fi": {
        "subject": "Hei {{ first_name }}",
        "blocks": [
            {"type": "text", "text": "Tervetuloa"},
            {"type": "button", "text": "Ilmoittaudu", "url": TARGET},
        ],
    }
}


def compose(tracking: bool) -> tuple[str, NewsletterSettings, uuid.UUID]:
    settings = NewsletterSettings(public_base_url=BASE, link_secret="s" * 40, secret_key="k" * 40)
    composer = Composer(settings, MailTemplates(base_url=BASE))
    row = SimpleNamespace(
        id=uuid.uuid4(),
        origin="campaign",
        origin_id=None,
        origin_label="Digitaitoviikko",
        origin_group=None,
        contact_id=uuid.uuid4(),
        to_email="aino@example.fi",
        to_name="Aino",
        language="fi",
        variables={"first_name": "Aino"},
        attempts=0,
        template_key=None,
    )
    info = CampaignInfo.of(
        {
            "id": uuid.uuid4(),
            "version": 1,
            "content": CONTENT,
            "default_language": "fi",
            "tracking": tracking,
        }
    )
    job = composer.job(row, info)
    html = job.data.decode()
    return quopri.decodestring(html.encode()).decode(), settings, row.id


def test_a_tracked_mail_routes_links_through_signed_click_tokens_and_has_a_pixel() -> None:
    raw, settings, delivery_id = compose(tracking=True)
    tokens = re.findall(rf'href="{BASE}/t/c/([^"]+)"', raw)
    assert tokens
    assert f'href="{TARGET.replace("&", "&amp;")}"' not in raw
    targets = {read_token(settings.token_keys(), t, click=True).url for t in tokens}
    assert TARGET in targets
    assert re.search(rf'<img src="{BASE}/t/o/[^"]+\.gif"', raw)
    # The footer's own links (unsubscribe, privacy) are not redirected.
    assert f"{BASE}/unsubscribe/" in raw and f'href="{BASE}/privacy?lang=fi"' in raw
    target = read_token(settings.token_keys(), tokens[0], click=True)
    assert target.delivery_id == str(delivery_id)


def test_an_untracked_mail_keeps_its_links_and_has_no_pixel() -> None:
    raw, _, _ = compose(tracking=False)
    assert "/t/c/" not in raw and "/t/o/" not in raw
    assert f'href="{TARGET.replace("&", "&amp;")}"' in raw


def test_forged_or_foreign_tokens_are_refused() -> None:
    keys = TokenKeys.single("s" * 40)
    good = sign(keys, "track", {"d": str(uuid.uuid4()), "u": TARGET})
    with pytest.raises(BadTrackingLink):
        read_token(TokenKeys.single("other" * 8), good, click=True)
    with pytest.raises(BadTrackingLink):  # another purpose's token
        read_token(keys, sign(keys, "unsubscribe", {"d": "x", "u": TARGET}), click=True)
    with pytest.raises(BadTrackingLink):  # an open token is no click token
        read_token(keys, sign(keys, "track", {"d": "x"}), click=True)
    with pytest.raises(BadTrackingLink):  # a non-web target
        read_token(keys, sign(keys, "track", {"d": "x", "u": "javascript:alert(1)"}), click=True)


def test_rewriting_unescapes_the_href_before_signing() -> None:
    seen: list[str] = []
    out = rewrite_links(
        '<a href="https://a.fi/?x=1&amp;y=2">a</a>',
        lambda u: seen.append(u) or "https://t/1?a&b",
        keep=lambda u: False,
    )
    assert seen == ["https://a.fi/?x=1&y=2"]
    assert 'href="https://t/1?a&amp;b"' in out


def test_personal_links_are_removed_for_the_public_copy() -> None:
    link = f'<a href="{PERSONAL_SENTINEL}" style="c">'
    html = f"x<br />{link}P</a> · {link}U</a>y"
    assert strip_personal_links(html) == "xy"
