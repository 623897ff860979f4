"""Merging duplicates across services: the replicas keep only the kept person."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.conftest import Workers
from tests.e2e.test_contact_replication import REPLICAS, replica_row
from tests.support.polling import eventually


async def test_after_a_merge_both_replicas_hold_only_the_kept_person(
    workers: Workers, contacts_api: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    keep = (
        await contacts_api.post("/api/contacts/people", json={"email": "a.b@example.fi"})
    ).json()
    other = (
        await contacts_api.post("/api/contacts/people", json={"email": "ab+x@example.fi"})
    ).json()
    tagged = await contacts_api.post(
        f"/api/contacts/people/{other['id']}/tags", json={"name": "Kouluttaja"}
    )
    assert tagged.status_code == 200, tagged.text
    for service in REPLICAS:
        await eventually(
            lambda s=service: replica_row(clean_db[s], other["id"]),
            lambda r: r is not None and r["tags"] == ["Kouluttaja"],
            what=f"{service} replica has the tagged duplicate",
            timeout=60,
        )

    merged = await contacts_api.post(
        "/api/contacts/merges", json={"keep_id": keep["id"], "merge_id": other["id"]}
    )
    assert merged.status_code == 200, merged.text
    version = merged.json()["version"]
    for service in REPLICAS:
        kept = await eventually(
            lambda s=service: replica_row(clean_db[s], keep["id"]),
            lambda r: r is not None and r["version"] == version,
            what=f"{service} replica has the merged person",
            timeout=60,
        )
        assert kept is not None and kept["tags"] == ["Kouluttaja"]
        gone = await eventually(
            lambda s=service: replica_row(clean_db[s], other["id"]),
            lambda r: r is not None and r["erased"] is True,
            what=f"{service} replica dropped the merged-away person",
            timeout=60,
        )
        assert gone is not None and gone["email"] is None
