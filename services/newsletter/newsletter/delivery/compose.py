"""A claimed delivery row as a ready-to-send SMTP job: template fill, headers, MIME, DKIM."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from newsletter.campaigns.domain import Variant, parse_content
from newsletter.composer.merge import EMPTY_FIELD, with_defaults, without_empty_fields
from newsletter.composer.test_links import link_of_test_mail
from newsletter.delivery.domain import bounce_address, message_id, recipient_domain
from newsletter.delivery.service import Attempt
from newsletter.delivery.smtp import Job
from newsletter.mail.message import Attachment, Dkim, Headers, build_encoded, build_message
from newsletter.mail.templates import Compiled, MailTemplates, Rendered
from newsletter.settings import NewsletterSettings
from newsletter.tracking.domain import (
    CLICK_PURPOSE,
    OPEN_PURPOSE,
    add_pixel,
    click_payload,
    open_payload,
    rewrite_links,
)
from shared.places import region_shown
from shared.tokens import sign

# Our own pages in every mail's footer: never worth a redirect.
OWN_PAGES = ("unsubscribe", "preferences", "privacy", "accessibility", "newsletter/test-link")


@dataclass(frozen=True)
class CampaignInfo:
    id: uuid.UUID
    version: int
    variants: dict[str, Variant]
    tracking: bool = False

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> CampaignInfo:
        return cls(
            id=row["id"],
            version=row["version"],
            variants=parse_content(row["content"], row["default_language"]),
            tracking=bool(row.get("tracking", False)),
        )


def attachments_of(row: Any) -> tuple[Attachment, ...]:
    """The row's files (checked when the request came: safe names, a few types, bounded)."""
    stored = getattr(row, "attachments", None) or ()
    return tuple(
        Attachment(
            filename=str(a["filename"]),
            content_type=str(a["content_type"]),
            content=base64.b64decode(a["content_base64"]),
        )
        for a in stored
    )


def attempt_of(row: Any) -> Attempt:
    return Attempt(
        delivery_id=row.id,
        origin=row.origin,
        origin_id=row.origin_id,
        contact_id=row.contact_id,
        email=row.to_email or "",
        attempts=row.attempts,
        origin_label=row.origin_label,
        origin_group=row.origin_group,
    )


class Composer:
    def __init__(self, settings: NewsletterSettings, templates: MailTemplates) -> None:
        self._settings = settings
        self._templates = templates
        self._keys = settings.token_keys()
        self._base = settings.public_base_url.rstrip("/")
        self._signer = (
            Dkim.from_file(
                settings.dkim_selector, settings.mail_domain, settings.dkim_private_key_path
            )
            if settings.dkim_selector and settings.dkim_private_key_path
            else None
        )

    def job(self, row: Any, campaign: CampaignInfo | None) -> Job:
        s = self._settings
        variables: dict[str, Any] = dict(row.variables)
        unsubscribe: tuple[str, str] | None = None
        compiled: Compiled
        if campaign is not None:
            compiled = self._templates.campaign(
                str(campaign.id), campaign.version, row.language, campaign.variants[row.language]
            )
            # The replica keeps the region's code: the reader gets its name in their language.
            variables["region"] = region_shown(variables.get("region"), row.language)
            variables = with_defaults(variables)
            if row.contact_id is None:  # a test send: links that say so, change nothing
                unsubscribe_url = link_of_test_mail(self._base, "unsubscribe", row.language)
                variables["unsubscribe_url"] = unsubscribe_url
                variables["preferences_url"] = link_of_test_mail(
                    self._base, "preferences", row.language
                )
            else:
                token = sign(self._keys, "unsubscribe", {"c": str(row.contact_id)})
                unsubscribe_url = f"{self._base}/unsubscribe/{token}"
                variables["unsubscribe_url"] = unsubscribe_url
                preferences = sign(self._keys, "preferences", {"c": str(row.contact_id)})
                variables["preferences_url"] = f"{self._base}/preferences/{preferences}"
                unsubscribe = (unsubscribe_url, f"mailto:unsubscribe+{token}@{s.mail_domain}")
            feedback = f"{campaign.id.hex}:campaign"
        else:
            compiled = self._templates.transactional(row.template_key, row.language)
            feedback = f"{row.template_key}:{row.origin}"
        headers = Headers(
            message_id=message_id(row.id, s.mail_domain),
            from_addr=s.mail_from_address,
            from_name=s.mail_from_name,
            to_addr=row.to_email,
            to_name=row.to_name,
            language=row.language,
            feedback_id=f"{feedback}:newsletter:{s.feedback_sender}",
            date=datetime.now(UTC),
            unsubscribe=unsubscribe,
        )
        tracked = campaign is not None and campaign.tracking
        # A merge field without a value goes with the space before it ("Hei!", not "Hei !"):
        # that edits the text around the value, so such a mail takes the reference path.
        emptied = campaign is not None and _uses_an_empty_field(compiled, variables)
        # Campaign rows never carry files; a transactional one may (an event's .ics): both
        # paths below wrap the same alternative part in multipart/mixed then.
        files = attachments_of(row) if campaign is None else ()
        data = None if tracked or emptied else self._spliced(compiled, headers, variables, files)
        if data is None:  # the reference path: Jinja fills, the whole body is encoded
            content = compiled.fill(variables)
            if campaign is not None:
                content = Rendered(
                    subject=without_empty_fields(content.subject),
                    html=without_empty_fields(content.html),
                    text=without_empty_fields(content.text),
                )
            if tracked:
                content = self._tracked(content, str(row.id))
            data = build_message(headers, content, signer=self._signer, attachments=files)
        return Job(
            attempt=attempt_of(row),
            sender=bounce_address(row.id, s.mail_domain),
            data=data,
            domain=recipient_domain(row.to_email),
        )

    def _spliced(
        self,
        compiled: Compiled,
        headers: Headers,
        variables: dict[str, Any],
        files: tuple[Attachment, ...] = (),
    ) -> bytes | None:
        """The body encoded once per template, personal values spliced in (mail/splice.py);
        None when the template or a value needs the reference path."""
        if compiled.text_body is None or compiled.html_body is None:
            return None
        text = compiled.text_body.encode(variables)
        html = compiled.html_body.encode(variables) if text is not None else None
        if text is None or html is None:
            return None
        return build_encoded(
            headers,
            compiled.fill_subject(variables),
            text,
            html,
            signer=self._signer,
            attachments=files,
        )

    def _tracked(self, content: Rendered, delivery_id: str) -> Rendered:
        """Links through /t/c/ and an open pixel (HTML part only; the text part stays plain)."""
        base = self._base
        own = tuple(f"{base}/{p}" for p in OWN_PAGES)

        def tracked(url: str) -> str:
            return f"{base}/t/c/{sign(self._keys, CLICK_PURPOSE, click_payload(delivery_id, url))}"

        body = rewrite_links(content.html, tracked, keep=lambda url: url.startswith(own))
        pixel = sign(self._keys, OPEN_PURPOSE, open_payload(delivery_id))
        return replace(content, html=add_pixel(body, f"{base}/t/o/{pixel}.gif"))


def _uses_an_empty_field(compiled: Compiled, variables: Mapping[str, Any]) -> bool:
    """Whether the mail shows a merge field this person lacks (subject or either body)."""
    if EMPTY_FIELD in compiled.fill_subject(variables):
        return True
    bodies = (compiled.text_body, compiled.html_body)
    used = {name for body in bodies if body is not None for name in body.names}
    return any(variables.get(name) == EMPTY_FIELD for name in used)
