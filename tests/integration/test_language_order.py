"""Lists read in the page's alphabet: in Finnish and Swedish Å, Ä, Ö come after Z."""

from __future__ import annotations

import re

import httpx
import pytest
from contacts.people.repository.directory import people_order
from contacts.tables import contact_snapshot
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine

VIEWER = {"X-Staff-Id": "staff-v", "X-Staff-Role": "viewer", "X-Staff-Email": "v@d.fi"}
EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor", "X-Staff-Csrf": ""}
ORGANISATIONS = ["Östersundomin seura", "Åbo Akademi", "Ähtärin kirjasto", "Zeta ry", "Aalto"]
SURNAMES = ["Öhman", "Åberg", "Ärölä", "Zetterberg", "Ylönen", "Aho"]


def positions(page: str, names: list[str]) -> list[str]:
    """`names` in the order the page shows them."""
    return sorted(names, key=page.index)


async def test_organisations_list_puts_nordic_letters_after_z_in_finnish(
    own_contacts_web: httpx.AsyncClient,
) -> None:
    for name in ORGANISATIONS:
        made = await own_contacts_web.post(
            "/api/contacts/organisations", json={"name": name, "type": "ngo"}, headers=EDITOR
        )
        assert made.status_code == 201, made.text
    fi = await own_contacts_web.get("/staff/organisations", params={"lang": "fi"}, headers=VIEWER)
    assert positions(fi.text, ORGANISATIONS) == [
        "Aalto",
        "Zeta ry",
        "Åbo Akademi",
        "Ähtärin kirjasto",
        "Östersundomin seura",
    ]
    en = await own_contacts_web.get("/staff/organisations", params={"lang": "en"}, headers=VIEWER)
    assert positions(en.text, ORGANISATIONS) == [
        "Aalto",
        "Åbo Akademi",
        "Ähtärin kirjasto",
        "Östersundomin seura",
        "Zeta ry",
    ]
    back = await own_contacts_web.get(
        "/staff/organisations", params={"lang": "fi", "sort": "-name"}, headers=VIEWER
    )
    assert positions(back.text, ORGANISATIONS)[0] == "Östersundomin seura"


async def test_people_list_sorts_surnames_in_the_finnish_alphabet(
    own_contacts_web: httpx.AsyncClient,
) -> None:
    for i, last in enumerate(SURNAMES):
        made = await own_contacts_web.post(
            "/api/contacts/people",
            json={"email": f"order{i}@d.fi", "first_name": "Testi", "last_name": last},
            headers=EDITOR,
        )
        assert made.status_code == 201, made.text
    fi = await own_contacts_web.get("/staff/people", params={"lang": "fi"}, headers=VIEWER)
    assert positions(fi.text, SURNAMES) == [
        "Aho",
        "Ylönen",
        "Zetterberg",
        "Åberg",
        "Ärölä",
        "Öhman",
    ]
    back = await own_contacts_web.get(
        "/staff/people", params={"lang": "fi", "sort": "-name"}, headers=VIEWER
    )
    assert positions(back.text, SURNAMES)[:2] == ["Öhman", "Ärölä"]
    en = await own_contacts_web.get("/staff/people", params={"lang": "en"}, headers=VIEWER)
    assert positions(en.text, SURNAMES) == [
        "Åberg",
        "Aho",
        "Ärölä",
        "Öhman",
        "Ylönen",
        "Zetterberg",
    ]


@pytest.mark.parametrize("lang", ["fi", "sv"])
async def test_join_page_municipality_picker_ends_with_a_ring_and_umlauts(
    own_contacts_web: httpx.AsyncClient, lang: str
) -> None:
    page = await own_contacts_web.get("/join", params={"lang": lang})
    assert page.status_code == 200
    picker = page.text.split('id="municipality"', 1)[1].split("</select>", 1)[0]
    shown = re.findall(r"<option value=\"\d{3}\"[^>]*>([^<]+)</option>", picker)
    assert len(shown) > 300
    if lang == "fi":
        assert shown.index("Ylöjärvi") < shown.index("Ähtäri") and shown[-1] == "Äänekoski"
    else:
        assert shown.index("Ylöjärvi") < shown.index("Åbo") < shown.index("Övertorneå")
        assert shown[0] != "Åbo"


@pytest.mark.parametrize("lang", ["fi", "en"])
async def test_people_name_order_can_be_read_from_its_collated_index(
    engine: AsyncEngine, lang: str
) -> None:
    """With sorting priced out, the plan must walk the index built for that collation."""
    t = contact_snapshot.c
    for descending in (False, True):
        stmt = (
            select(t.contact_id)
            .where(t.erased.is_(False))
            .order_by(*people_order("name", descending, lang))
            .limit(25)
        )
        sql = str(
            stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
        )
        async with engine.connect() as conn:
            await conn.execute(text("SET LOCAL enable_sort = off"))
            await conn.execute(text("SET LOCAL enable_seqscan = off"))
            await conn.execute(text("SET LOCAL enable_incremental_sort = on"))
            plan = "\n".join((await conn.execute(text(f"EXPLAIN {sql}"))).scalars())
        assert f"ix_contact_snapshot_name_{lang}" in plan, plan
        # No full sort of the rows (an incremental sort of equal names by id is fine).
        assert re.search(r"(^|->\s+)Sort\s+\(cost", plan, re.M) is None, plan
