"""A bulk job describes its selection without the search text (often an address or a name)."""

from __future__ import annotations

import json
import uuid

from contacts.audit.domain import RETENTION, THE_PERSON, Actor, erasure_details
from contacts.jobs.service.jobs import SEARCH_TEXT_NOT_KEPT, Selection


def test_the_search_text_is_described_never_kept_and_other_filters_stay() -> None:
    for text in ("aino.aalto@example.fi", "Aino Aalto", "040 555 0101"):
        described = Selection({"text": text, "tag": "webinaari", "region": ""}).as_json()
        assert described == {"filters": {"tag": "webinaari", "text": SEARCH_TEXT_NOT_KEPT}}
        assert text.lower() not in json.dumps(described).lower()


def test_no_search_text_means_no_description_of_one_and_a_segment_is_its_id() -> None:
    assert Selection({"text": "  ", "topic": "t"}).as_json() == {"filters": {"topic": "t"}}
    segment = uuid.uuid4()
    assert Selection(segment_id=segment).as_json() == {"segment_id": str(segment)}


def test_erasure_details_name_who_and_the_path_and_nothing_else() -> None:
    staff = Actor(id="staff-e", role="editor")
    assert erasure_details(staff, "bulk action", job_id="j") == {
        "erased_by": "staff-e",
        "path": "bulk action",
        "job_id": "j",
    }
    assert erasure_details(None, "preference centre")["erased_by"] == THE_PERSON
    assert erasure_details(RETENTION, "retention")["erased_by"] == "system:retention"
