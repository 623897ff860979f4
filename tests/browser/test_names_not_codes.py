"""No page shows a code where a name exists: every staff and public page of the three services.

A staff admin walks every HTML GET page (path parameters filled with ids of demo-like data,
`every_page.py`) in Finnish, public pages also in Swedish, and the visible text is searched
for the codes of the app's own vocabularies: regions and municipalities, organisation types,
states, roles, consent purposes and methods, audit actions, and staff ids. The code lists come
from the same modules the app uses, so they stay true when a vocabulary grows.
"""

from __future__ import annotations

import re
from typing import get_args

import httpx
import pytest
from contacts.classification import load_classification
from contacts.consents.domain import Method, Purpose
from contacts.jobs.domain import JobState
from contacts.memberships.domain import ECOSYSTEM_ROLES, MembershipState
from contacts.onboarding.domain.onboarding import OnboardingState
from contacts.organisations.domain.organisation import ORGANISATION_TYPES, OrganisationStatus
from contacts.people.domain.person import EmailStatus, Language, SubscriptionState
from contacts.staff.domain import Role
from contacts.visits.domain import VISIT_STATES
from newsletter.campaigns.domain.campaign import STATUSES as CAMPAIGN_STATES
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.builder.domain.survey import QUESTION_TYPES
from surveys.campaigns.domain import Mode, State

from tests.browser.every_page import Seeded, is_staff, page_paths, seeded  # noqa: F401
from tests.browser.staff_session import Session
from tests.browser.visible_text import Cell, read

pytestmark = pytest.mark.browser

PLACES = load_classification()
REGIONS = {r.code for r in PLACES.regions}
MUNICIPALITIES = {m.code for m in PLACES.municipalities}
# Words of the app's vocabularies that a person should never read as such.
VOCABULARY: dict[str, set[str]] = {
    "organisation type": set(ORGANISATION_TYPES),
    "organisation status": set(get_args(OrganisationStatus)),
    "membership state": set(get_args(MembershipState)),
    "ecosystem role": set(ECOSYSTEM_ROLES),
    "subscription state": set(get_args(SubscriptionState)),
    "email status": set(get_args(EmailStatus)),
    "onboarding state": set(get_args(OnboardingState)),
    "job state": set(get_args(JobState)),
    "visit state": set(VISIT_STATES),
    "campaign state": set(CAMPAIGN_STATES),
    "survey campaign state": set(get_args(State)),
    "survey mode": set(get_args(Mode)),
    "staff role": set(get_args(Role)),
    "consent purpose": set(get_args(Purpose)),
    "consent method": set(get_args(Method)),
    "language": set(get_args(Language)),
    "question type": set(QUESTION_TYPES),
}
PLACE_HEADINGS = re.compile(r"^(maakunta|kunta|alue|region|municipality|landskap|kommun)", re.I)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
WORD = re.compile(r"[\w.:-]+")


def codes_in_cell(cell: Cell, audit_actions: set[str]) -> list[str]:
    value = cell.text
    found = []
    if cell.tag == "code":
        return found  # shown as code on purpose (a rule, a file name)
    if value in REGIONS | MUNICIPALITIES and (
        value.startswith("0") or PLACE_HEADINGS.match(cell.heading)
    ):
        found.append(f"region/municipality code {value!r}")
    for kind, words in VOCABULARY.items():
        if value in words:
            found.append(f"{kind} {value!r}")
        elif "_" in value or "." in value:
            found += [f"{kind} {w!r}" for w in WORD.findall(value) if w in words and "_" in w]
    found += [f"audit action {w!r}" for w in WORD.findall(value) if w in audit_actions]
    return found


def problems(html: str, data: Seeded, audit_actions: set[str]) -> list[str]:
    cells, visible = read(html)
    found: set[str] = set()
    for cell in cells:
        for code in codes_in_cell(cell, audit_actions):
            found.add(f"{code} in <{cell.tag}> {cell.text[:80]!r}")
    for staff_id in UUID.findall(visible):
        if staff_id in data.staff_ids:
            found.add(f"staff id {staff_id} (should read {data.staff_ids[staff_id]})")
    return sorted(found)


async def known_audit_actions(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT DISTINCT action FROM audit_log"))
        return {r[0] for r in rows if "." in r[0]}


async def test_no_page_shows_a_code_where_a_name_exists(
    site: str,
    staff_sessions: list[Session],
    seeded: Seeded,  # noqa: F811
    engines: dict[str, AsyncEngine],
) -> None:
    pages, missing = page_paths(seeded)
    audit_actions = await known_audit_actions(engines["contacts"])
    assert audit_actions, "the seeded data left no audit entries to look for"
    failures: dict[str, list[str]] = {}
    checked = []
    session = staff_sessions[0]
    async with httpx.AsyncClient(base_url=site, timeout=30) as web:
        for _service, path in pages:
            staff = is_staff(path)
            for lang in ("fi",) if staff else ("fi", "sv"):
                response = await web.get(
                    path,
                    params={"lang": lang, **seeded.queries.get(path, {})},
                    headers={"Cookie": session.cookie if staff else ""},
                )
                expected = 200 if "k1.damaged" not in path else response.status_code
                if response.status_code != expected or response.status_code >= 500:
                    failures[f"{path}?lang={lang}"] = [f"answered {response.status_code}"]
                    continue
                if "text/html" not in response.headers.get("content-type", ""):
                    continue
                found = problems(response.text, seeded, audit_actions)
                if found:
                    failures[f"{path}?lang={lang}"] = found
                checked.append(path)
    assert len(set(checked)) >= 40, sorted(set(checked))
    report = "\n".join(f"{page}:\n  " + "\n  ".join(f) for page, f in sorted(failures.items()))
    assert not failures, f"codes shown where names exist (left out: {missing}):\n{report}"


def test_the_sweep_recognises_codes_in_cells_and_staff_ids() -> None:
    """The sweep itself can fail: a region code, a state and a staff id are caught."""
    staff = "5c1d8a8e-0d1e-4a51-9a56-2c4f8a0e7b11"
    html = (
        "<table><thead><tr><th>Nimi</th><th>Maakunta</th></tr></thead>"
        "<tbody><tr><td>Kirjasto</td><td>06</td></tr><tr><td>X</td><td>13</td></tr></tbody>"
        "</table><dl><dt>Jäsenyys</dt><dd>active</dd><dt>Rooli</dt><dd>provider_developer</dd>"
        f"</dl><p>Tekijä {staff}</p><p>membership.approved</p>"
        '<input value="active"><script>var a = "pending";</script>'
    )
    seeded_data = Seeded(staff_ids={staff: "aino@digituki.fi"})
    found = "\n".join(problems(html, seeded_data, {"membership.approved"}))
    assert "'06'" in found and "'13'" in found
    assert "membership state 'active'" in found and "'provider_developer'" in found
    assert staff in found and "audit action 'membership.approved'" in found
    assert "pending" not in found  # scripts and form values are not read
    assert problems("<table><tr><td>12</td></tr></table>", seeded_data, set()) == []
