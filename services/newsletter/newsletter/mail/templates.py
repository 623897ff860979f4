"""MJML + Jinja mail templates: compiled once per template (or campaign version) and
language, then only filled per recipient.

Two Jinja layers: `[% %]`/`[[ ]]` assemble the MJML source from the layout before
compilation; `{{ }}`/`{% %}` survive MJML and are filled per recipient (HTML autoescaped,
StrictUndefined, so a missing variable fails loudly instead of mailing a blank).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup
from mjml import mjml2html

from newsletter.campaigns.domain import Variant
from newsletter.delivery.domain import LANGUAGES
from newsletter.mail.blocks import campaign_source
from newsletter.mail.splice import Encoded, Plan, plan_of
from newsletter.mail.strings import FOOTER, text_footer

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "mail"
TRANSACTIONAL_KEYS = (
    "signup_confirmation",
    "survey_invitation",
    "survey_reminder",
    "onboarding_invitation",
    "password_reset",
    "visit_acknowledgement",
    "visit_notification",
    "enquiry_reply",
    "assessment_result",
    # Events (issue 16): in the registrant's language; the join link only to seat holders.
    "event_confirmation",
    "event_waitlisted",
    "event_promoted",
    "event_reminder",
    "event_cancelled",
    "event_changed",
    "event_submission_verify",
    # To a partner when staff approve or decline their submission (with the reason).
    "event_submission_approved",
    "event_submission_declined",
)
_SPACE = re.compile(r"\s+")


class TemplateNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class Compiled:
    """One template in one language, ready to fill."""

    subject: Template
    html: Template
    text: Template
    literals: tuple[str, ...] = ()
    # The same literals escaped once, so the HTML fill does not escape them per recipient.
    html_literals: tuple[Markup, ...] = ()
    # Substitution-only templates (every campaign): filled without Jinja, and the bodies
    # quoted-printable encoded once (mail/splice.py). None: Jinja fills it.
    subject_plan: Plan | None = None
    html_body: Encoded | None = None
    text_body: Encoded | None = None

    def fill_subject(self, variables: Mapping[str, Any]) -> str:
        if self.subject_plan is None:
            return self.fill(variables).subject
        return _SPACE.sub(" ", self.subject_plan.fill(variables)).strip()

    def fill(self, variables: Mapping[str, Any]) -> Rendered:
        ctx = {**variables, "_lit": self.literals}
        # Headers are one line: a newline in a name must not start a new header.
        subject = _SPACE.sub(" ", self.subject.render(ctx)).strip()
        text = self.text.render(ctx)
        ctx["_lit"] = self.html_literals
        return Rendered(subject=subject, html=self.html.render(ctx), text=text)


def _layout_env(folder: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(str(folder)),
        block_start_string="[%",
        block_end_string="%]",
        variable_start_string="[[",
        variable_end_string="]]",
        comment_start_string="[#",
        comment_end_string="#]",
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
    )


class MailTemplates:
    """The compiled-template cache of one process (MJML compiles once per key)."""

    def __init__(self, *, base_url: str, folder: Path = TEMPLATE_DIR, max_campaigns: int = 64):
        self._base_url = base_url.rstrip("/")
        self._layout = _layout_env(folder)
        opts: dict[str, Any] = {"undefined": StrictUndefined, "keep_trailing_newline": True}
        self._html = Environment(autoescape=True, **opts)
        self._plain = Environment(autoescape=False, **opts)  # noqa: S701 - text/plain and headers
        self._cache: dict[tuple[str, ...], Compiled] = {}
        self._max_campaigns = max_campaigns

    def transactional(self, key: str, lang: str) -> Compiled:
        cache_key = ("t", key, lang)
        found = self._cache.get(cache_key)
        if found is None:
            if key not in TRANSACTIONAL_KEYS or lang not in LANGUAGES:
                raise TemplateNotFound(f"no mail template {key!r} in {lang!r}")
            found = self._compile(f"{lang}/{key}.mjml", lang, transactional=True)
            self._cache[cache_key] = found
        return found

    def campaign(self, campaign_id: str, version: int, lang: str, variant: Variant) -> Compiled:
        cache_key = ("c", campaign_id, str(version), lang)
        found = self._cache.get(cache_key)
        if found is None:
            if len(self._cache) > self._max_campaigns + 3 * len(TRANSACTIONAL_KEYS):
                self._cache = {k: v for k, v in self._cache.items() if k[0] == "t"}
            source = campaign_source(variant, lang, self._base_url)
            found = self._compile(
                "campaign.mjml",
                lang,
                transactional=False,
                extra={
                    # "View in browser": the public archive, in this mail's language.
                    "archive_url": f"{self._base_url}/archive/{campaign_id}?lang={lang}",
                    "subject": Markup(source.subject),  # noqa: S704 - generated, no staff text
                    "preheader": Markup(source.preheader),  # noqa: S704
                    "content": Markup(source.mjml),  # noqa: S704
                    "text": Markup(source.text),  # noqa: S704
                },
                literals=source.literals,
            )
            self._cache[cache_key] = found
        return found

    def _compile(
        self,
        name: str,
        lang: str,
        *,
        transactional: bool,
        extra: Mapping[str, Any] | None = None,
        literals: tuple[str, ...] = (),
    ) -> Compiled:
        template = self._layout.get_template(name)
        ctx = {
            "lang": lang,
            "t": FOOTER[lang],
            "base_url": self._base_url,
            "transactional": transactional,
            **(extra or {}),
        }
        html = mjml2html(template.render(ctx))
        subject = _block(template, "subject", ctx)
        text = _block(template, "text", ctx).strip() + "\n\n"
        archive_url = (extra or {}).get("archive_url")
        text += (
            text_footer(lang, self._base_url, transactional=transactional, archive_url=archive_url)
            + "\n"
        )
        html_plan = plan_of(self._html, html, literals)
        text_plan = plan_of(self._plain, text, literals)
        return Compiled(
            subject=self._plain.from_string(subject),
            html=self._html.from_string(html),
            text=self._plain.from_string(text),
            literals=literals,
            html_literals=tuple(Markup.escape(v) for v in literals),
            subject_plan=plan_of(self._plain, subject, literals),
            html_body=Encoded.of(html_plan) if html_plan else None,
            text_body=Encoded.of(text_plan) if text_plan else None,
        )


def _block(template: Template, name: str, ctx: Mapping[str, Any]) -> str:
    render = template.blocks[name]
    return "".join(render(template.new_context(dict(ctx))))
