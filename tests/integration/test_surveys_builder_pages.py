"""The survey builder's staff pages: plain forms that go through the builder service."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from tests.support.staff import SESSION_CSRF as CSRF

BASE = "/surveys/staff/surveys"


async def post(client: httpx.AsyncClient, url: str, data: dict[str, Any]) -> httpx.Response:
    return await client.post(url, data={"csrf_token": CSRF, **data})


async def definition(client: httpx.AsyncClient, survey_id: str) -> dict[str, Any]:
    got = await client.get(f"/api/surveys/surveys/{survey_id}")
    assert got.status_code == 200, got.text
    return got.json()


async def create(client: httpx.AsyncClient) -> str:
    made = await post(client, f"{BASE}/new", {"title_fi": "Kysely", "title_sv": "Enkät"})
    assert made.status_code == 303, made.text
    found = re.fullmatch(rf"{BASE}/([0-9a-f-]+)/edit", made.headers["location"])
    assert found
    return found.group(1)


async def edit(client: httpx.AsyncClient, survey_id: str, **data: Any) -> httpx.Response:
    version = (await definition(client, survey_id))["version"]
    return await post(client, f"{BASE}/{survey_id}/edit", {"version": version, **data})


async def test_builder_creates_a_survey_and_edits_texts_in_three_languages(
    surveys_editor: httpx.AsyncClient,
) -> None:
    survey_id = await create(surveys_editor)
    page = await surveys_editor.get(f"{BASE}/{survey_id}/edit")
    assert page.status_code == 200, page.text
    assert 'value="Kysely"' in page.text and 'lang="sv"' in page.text
    saved = await edit(
        surveys_editor,
        survey_id,
        action="texts",
        title_fi="Tukikysely",
        title_sv="Stödenkät",
        title_en="Support survey",
        intro_en="Welcome <b>all</b>",
        page0_title_fi="Aluksi",
        allow_edit="on",
    )
    assert saved.status_code == 303, saved.text
    got = (await definition(surveys_editor, survey_id))["definition"]
    assert got["title"] == {"fi": "Tukikysely", "sv": "Stödenkät", "en": "Support survey"}
    assert got["allow_edit"] is True and got["pages"][0]["title"] == {"fi": "Aluksi"}
    page = await surveys_editor.get(f"{BASE}/{survey_id}/edit")
    assert "Welcome &lt;b&gt;all&lt;/b&gt;" in page.text  # escaped


async def test_builder_adds_moves_edits_and_removes_questions_of_every_type(
    surveys_editor: httpx.AsyncClient,
) -> None:
    survey_id = await create(surveys_editor)
    types = ["single", "multiple", "dropdown", "scale", "nps", "matrix"]
    types += ["long_text", "number", "date"]
    for kind in types:
        added = await edit(surveys_editor, survey_id, action="add_question:0", type_0=kind)
        assert added.status_code == 303, added.text
    got = (await definition(surveys_editor, survey_id))["definition"]
    assert [q["type"] for q in got["pages"][0]["questions"]] == ["short_text", *types]

    assert (await edit(surveys_editor, survey_id, action="add_page")).status_code == 303
    assert (
        await edit(surveys_editor, survey_id, action="move_question_down:q10")
    ).status_code == 303
    got = (await definition(surveys_editor, survey_id))["definition"]
    assert [q["id"] for q in got["pages"][1]["questions"]] == ["q10", "q11"]

    form = await surveys_editor.get(f"{BASE}/{survey_id}/questions/q2")
    assert form.status_code == 200
    assert 'name="choices-0-sv" lang="sv" value="Alternativ A"' in form.text  # a row per option
    saved = await post(
        surveys_editor,
        f"{BASE}/{survey_id}/questions/q2",
        {
            "version": (await definition(surveys_editor, survey_id))["version"],
            "id": "uses",
            "type": "multiple",
            "text_fi": "Mitä käytätte?",
            "text_sv": "Vad använder ni?",
            "help_en": "Pick all",
            "required": "on",
            "choices-0-value": "mail",
            "choices-0-fi": "Sähköposti",
            "choices-0-sv": "E-post",
            "choices-0-en": "E-mail",
            "choices-1-value": "chat",
            "choices-1-fi": "Chat",
            "other": "on",
        },
    )
    assert saved.status_code == 303, saved.text
    conditional = await post(
        surveys_editor,
        f"{BASE}/{survey_id}/questions/q10",
        {
            "version": (await definition(surveys_editor, survey_id))["version"],
            "id": "why",
            "type": "number",
            "text_fi": "Montako?",
            "min": "0",
            "max": "10,5",
            "show_if_question": "uses",
            "show_if_op": "in",
            "show_if_value": "mail, other",
        },
    )
    assert conditional.status_code == 303, conditional.text
    got = (await definition(surveys_editor, survey_id))["definition"]
    uses = got["pages"][0]["questions"][1]
    assert uses["id"] == "uses" and uses["other"] is True and uses["required"] is True
    assert uses["choices"][0] == {
        "value": "mail",
        "text": {"fi": "Sähköposti", "sv": "E-post", "en": "E-mail"},
    }
    why = got["pages"][1]["questions"][0]
    assert why["show_if"] == {"question": "uses", "op": "in", "value": ["mail", "other"]}
    assert (why["min"], why["max"]) == (0, 10.5)

    # A question a condition names cannot go: the same rule as the API, shown as an error.
    refused = await edit(surveys_editor, survey_id, action="remove_question:uses")
    assert refused.status_code == 422
    assert 'class="error-summary"' in refused.text and "earlier question" in refused.text
    assert (await edit(surveys_editor, survey_id, action="remove_question:why")).status_code == 303
    assert (await edit(surveys_editor, survey_id, action="remove_question:uses")).status_code == 303
    got = (await definition(surveys_editor, survey_id))["definition"]
    assert "uses" not in {q["id"] for p in got["pages"] for q in p["questions"]}


async def test_question_form_errors_keep_the_input_and_link_to_the_field(
    surveys_editor: httpx.AsyncClient,
) -> None:
    survey_id = await create(surveys_editor)
    bad = await post(
        surveys_editor,
        f"{BASE}/{survey_id}/questions/q1",
        {
            "version": (await definition(surveys_editor, survey_id))["version"],
            "id": "Bad Id",
            "type": "short_text",
            "text_fi": "Säilyy <script>",
        },
    )
    assert bad.status_code == 422
    assert 'href="#q-q1-id"' in bad.text and 'id="q-q1-id"' in bad.text
    assert "Säilyy &lt;script&gt;" in bad.text


async def test_a_stale_form_is_refused_instead_of_overwriting_a_newer_version(
    surveys_editor: httpx.AsyncClient,
) -> None:
    survey_id = await create(surveys_editor)
    version = (await definition(surveys_editor, survey_id))["version"]
    first = await post(
        surveys_editor, f"{BASE}/{survey_id}/edit", {"version": version, "action": "add_page"}
    )
    assert first.status_code == 303
    stale = await post(
        surveys_editor, f"{BASE}/{survey_id}/edit", {"version": version, "action": "add_page"}
    )
    assert stale.status_code == 409
    assert len((await definition(surveys_editor, survey_id))["definition"]["pages"]) == 2


async def test_builder_duplicates_exports_and_imports_json(
    surveys_editor: httpx.AsyncClient,
) -> None:
    survey_id = await create(surveys_editor)
    copied = await edit(surveys_editor, survey_id, action="duplicate")
    assert copied.status_code == 303 and survey_id not in copied.headers["location"]

    exported = await surveys_editor.get(f"{BASE}/{survey_id}/export.json")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    document = exported.json()
    imported = await surveys_editor.post(
        f"{BASE}/import",
        data={"csrf_token": CSRF},
        files={"file": ("survey.json", json.dumps(document).encode(), "application/json")},
    )
    assert imported.status_code == 303, imported.text
    new_id = imported.headers["location"].split("/")[-2]
    assert (await definition(surveys_editor, new_id))["definition"] == document["survey"]

    pasted = await post(surveys_editor, f"{BASE}/import", {"document": '{"format": "other"}'})
    assert pasted.status_code == 422 and "not a survey export" in pasted.text


async def test_builder_refuses_viewers_and_forms_without_the_csrf_token(
    surveys_editor: httpx.AsyncClient,
) -> None:
    survey_id = await create(surveys_editor)
    viewer = {"X-Staff-Id": "v", "X-Staff-Role": "viewer", "X-Staff-Csrf": CSRF}
    seen = await surveys_editor.get(f"{BASE}/{survey_id}/edit", headers=viewer)
    assert seen.status_code == 403
    forged = await surveys_editor.post(
        f"{BASE}/{survey_id}/edit", data={"version": "1", "action": "add_page"}
    )
    assert forged.status_code == 403
    assert (await definition(surveys_editor, survey_id))["version"] == 1
