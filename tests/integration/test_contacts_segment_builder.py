"""The segment builder without JavaScript: a condition added and chosen by names, counted and
saved through plain form posts; unknown values refused by the pages and the API; the segment
page in names with its count and its ways on (campaign, survey, bulk action, export)."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from tests.integration.test_contacts_segments import known_people
from tests.integration.test_contacts_staff_api import VIEWER

EDITOR_EN = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor", "Accept-Language": "en"}


def fields_of(html: str) -> dict[str, list[str]]:
    """The builder's form fields as the browser would post them (selected options, values)."""
    found: dict[str, list[str]] = {}
    hidden = r'<input type="hidden" (?:id="[^"]+" )?name="([^"]+)" value="([^"]*)"'
    for name, value in re.findall(hidden, html):
        found.setdefault(name, []).append(_unescape(value))
    for m in re.finditer(r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.findall(r'<option value="([^"]*)" selected>', m.group(2))
        first = re.findall(r'<option value="([^"]*)"', m.group(2))[:1]
        multiple = "multiple" in m.group(0).split(">", 1)[0]
        found[m.group(1)] = chosen or ([] if multiple else first)
    for name, value in re.findall(
        r'<input type="(?:text|date|number)" [^>]*name="(n\.[^"]+)" [^>]*value="([^"]*)"', html
    ):
        found[name] = [value]
    found["rule"] = [
        _unescape(
            re.search(r'<textarea[^>]*name="rule"[^>]*>(.*?)</textarea>', html, re.S).group(1)
        )
    ]  # type: ignore[union-attr]
    found.pop("csrf_token", None)
    return found


def _unescape(text: str) -> str:
    return (
        text.replace("&#34;", '"')
        .replace("&quot;", '"')
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def option_value(html: str, select_name: str, label: str) -> str:
    block = re.search(rf'name="{re.escape(select_name)}"[^>]*>(.*?)</select>', html, re.S)
    assert block, f"no select {select_name}"
    found = re.search(
        rf'<option value="([^"]*)"(?: selected)?>{re.escape(label)}</option>', block.group(1)
    )
    assert found, f"no option {label!r} in {select_name}"
    return found.group(1)


async def post(
    api: httpx.AsyncClient, url: str, form: dict[str, list[str]], action: str
) -> httpx.Response:
    data: dict[str, Any] = {**form, "action": action}
    data["rule_shown"] = form.get("rule_shown", form.get("rule", [""]))
    return await api.post(url, data=data, headers=EDITOR_EN)


async def test_staff_build_a_segment_by_names_count_it_and_save_it_without_javascript(
    api: httpx.AsyncClient,
) -> None:
    await known_people(api)
    page = await api.get("/staff/segments/new", headers=EDITOR_EN)
    assert page.status_code == 200, page.text
    form = fields_of(page.text)
    form["name"] = ["Tampereen webinaarit"]
    # The first condition: the field by its name, then "Count" shows its operators and values.
    form["n.0.field"] = [option_value(page.text, "n.0.field", "Municipality")]
    page = await post(api, "/staff/segments/new", form, "count")
    assert page.status_code == 422  # no value chosen yet: said next to the condition
    assert "Choose a value." in page.text and 'id="n-0-error"' in page.text
    form = fields_of(page.text) | {"name": ["Tampereen webinaarit"]}
    form["n.0.value"] = [option_value(page.text, "n.0.value", "Tampere")]
    # "Add condition" keeps what was chosen and adds a row.
    page = await post(api, "/staff/segments/new", form, "add:")
    assert page.status_code == 200, page.text
    assert 'name="n.1.field"' in page.text
    assert re.search(r'<option value="837" selected>Tampere</option>', page.text)
    form = fields_of(page.text) | {"name": ["Tampereen webinaarit"]}
    form["n.1.field"] = [option_value(page.text, "n.1.field", "Topics")]
    page = await post(api, "/staff/segments/new", form, "count")
    form = fields_of(page.text) | {"name": ["Tampereen webinaarit"]}
    form["n.1.op"] = [option_value(page.text, "n.1.op", "includes any of")]
    page = await post(api, "/staff/segments/new", form, "count")
    form = fields_of(page.text) | {"name": ["Tampereen webinaarit"]}
    form["n.1.value"] = [option_value(page.text, "n.1.value", "Webinars")]
    counted = await post(api, "/staff/segments/new", form, "count")
    assert counted.status_code == 200, counted.text
    assert 'id="preview-count">2<' in counted.text  # p1 and p3 live in Tampere with webinars
    assert "Municipality is Tampere and Topics includes any of Webinars" in counted.text
    rule = json.loads(fields_of(counted.text)["rule"][0])
    assert rule == {
        "all": [
            {"field": "municipality", "op": "eq", "value": "837"},
            {"field": "topics", "op": "in", "value": ["webinaarit"]},
        ]
    }
    # "Remove" drops the topic condition (then the form saved is the one before it).
    form = fields_of(counted.text) | {"name": ["Tampereen webinaarit"]}
    removed = await post(api, "/staff/segments/new", form, "remove:1")
    assert 'name="n.1.field"' not in removed.text
    saved = await post(api, "/staff/segments/new", form, "save")
    assert saved.status_code == 303, saved.text
    segment_page = await api.get(saved.headers["location"], headers=EDITOR_EN)
    assert 'id="segment-count">2<' in segment_page.text
    assert "Municipality is Tampere and Topics includes any of Webinars" in segment_page.text
    segment_id = saved.headers["location"].rsplit("/", 1)[1]
    for link in (
        f"/newsletter/staff/campaigns/new?segment={segment_id}",
        f"/surveys/staff/surveys?segment={segment_id}",
        f"/staff/bulk?segment={segment_id}",
        f"/staff/bulk?segment={segment_id}&amp;action=export",
    ):
        assert f'href="{link}"' in segment_page.text
    listing = await api.get("/staff/segments", headers=EDITOR_EN)
    assert "Municipality is Tampere and Topics includes any of Webinars" in listing.text
    bulk = await api.get(f"/staff/bulk?segment={segment_id}&action=export", headers=EDITOR_EN)
    assert bulk.status_code == 200
    assert re.search(r'value="export" checked', bulk.text)


async def test_edited_json_wins_over_the_builder_and_is_validated(api: httpx.AsyncClient) -> None:
    page = await api.get("/staff/segments/new", headers=EDITOR_EN)
    form = fields_of(page.text)
    form["rule"] = [json.dumps({"any": [{"field": "region", "op": "eq", "value": "06"}]})]
    counted = await post(
        api, "/staff/segments/new", {**form, "rule_shown": form["rule_shown"]}, "count"
    )
    assert counted.status_code == 200, counted.text
    assert re.search(r'<option value="06" selected>Pirkanmaa</option>', counted.text)
    assert "Region is Pirkanmaa" in counted.text
    form["rule"] = [json.dumps({"all": [{"field": "region", "op": "eq", "value": "Uusimaa"}]})]
    refused = await post(
        api, "/staff/segments/new", {**form, "rule_shown": form["rule_shown"]}, "count"
    )
    assert refused.status_code == 422
    assert "did you mean Uusimaa (01)?" in refused.text
    # A rule the builder cannot show stays in the JSON editor.
    form["rule"] = [json.dumps({"field": "email", "op": "exists", "value": 1})]
    bad = await post(
        api, "/staff/segments/new", {**form, "rule_shown": form["rule_shown"]}, "count"
    )
    assert bad.status_code == 422 and "/value: expected true or false" in bad.text


async def test_builder_refuses_a_value_it_does_not_know_next_to_its_condition(
    api: httpx.AsyncClient,
) -> None:
    form = {
        "name": ["X"],
        "root.kind": ["all"],
        "n.0.field": ["region"],
        "n.0.was": ["region"],
        "n.0.op": ["is"],
        "n.0.value": ["Uusimaa"],  # posted by hand: the picker only offers codes
        "rule": ['{"all": []}'],
        "rule_shown": ['{"all": []}'],
    }
    refused = await post(api, "/staff/segments/new", form, "save")
    assert refused.status_code == 422
    assert 'id="n-0-error"' in refused.text
    assert "did you mean Uusimaa (01)?" in refused.text


async def test_the_api_refuses_uusimaa_and_names_the_path_and_the_code(
    api: httpx.AsyncClient,
) -> None:
    rule = {
        "all": [
            {"field": "language", "op": "eq", "value": "fi"},
            {"field": "region", "op": "eq", "value": "Uusimaa"},
        ]
    }
    for call in (
        api.post("/api/contacts/segments/preview", json={"rule": rule}, headers=VIEWER),
        api.post("/api/contacts/segments", json={"name": "Uusimaa", "rule": rule}),
    ):
        response = await call
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["path"] == "/all/1/value"
        assert body["detail"] == "unknown region 'Uusimaa': did you mean Uusimaa (01)?"
    good = {"all": [{"field": "region", "op": "eq", "value": "01"}]}
    created = await api.post("/api/contacts/segments", json={"name": "Uusimaa", "rule": good})
    assert created.status_code == 201
    patched = await api.patch(f"/api/contacts/segments/{created.json()['id']}", json={"rule": rule})
    assert patched.status_code == 422 and patched.json()["path"] == "/all/1/value"
