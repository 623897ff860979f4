"""Questions added and edited inline on the builder page: only the chosen type's fields,
options as rows per language, conditions in words, and without JavaScript the server sends
the form back for a type change or a row added or removed (nothing saved meanwhile)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.support.staff import SESSION_CSRF as CSRF

BASE = "/surveys/staff/surveys"


async def current(client: httpx.AsyncClient, survey_id: str) -> dict[str, Any]:
    got = await client.get(f"/api/surveys/surveys/{survey_id}")
    assert got.status_code == 200, got.text
    return dict(got.json())


async def new_survey(client: httpx.AsyncClient) -> str:
    made = await client.post(f"{BASE}/new", data={"csrf_token": CSRF, "title_fi": "Kysely"})
    assert made.status_code == 303, made.text
    found = re.fullmatch(rf"{BASE}/([0-9a-f-]+)/edit", made.headers["location"])
    assert found
    return found.group(1)


def section(html: str, prefix: str, types: str) -> str:
    """The opening tag of a form's type-specific block (to see whether it is hidden)."""
    html = html[html.index(f'id="{prefix}-type"') :]
    found = re.search(rf'<div class="type-fields" data-types="{types}"[^>]*>', html)
    assert found, types
    return found.group(0)


async def add(client: httpx.AsyncClient, survey_id: str, **data: str) -> httpx.Response:
    version = (await current(client, survey_id))["version"]
    return await client.post(
        f"{BASE}/{survey_id}/pages/0/questions",
        data={"csrf_token": CSRF, "version": str(version), **data},
    )


async def test_a_question_is_added_inline_with_options_as_rows_per_language(
    surveys_editor: httpx.AsyncClient,
) -> None:
    survey_id = await new_survey(surveys_editor)
    page = await surveys_editor.get(f"{BASE}/{survey_id}/edit")
    html = page.text
    # The add form starts as a single choice: its options show, the scale labels do not.
    assert "hidden" not in section(html, "new-0", "single multiple dropdown")
    assert "hidden" in section(html, "new-0", "scale nps matrix")
    assert 'name="choices-1-sv"' in html and 'id="new-0-choices-1-sv"' in html

    added = await add(
        surveys_editor,
        survey_id,
        id="channel",
        type="single",
        text_fi="Mistä kuulit?",
        text_sv="Var hörde du?",
        text_en="Where did you hear?",
        **{
            "choices-0-fi": "Uutiskirjeestä",
            "choices-0-sv": "I nyhetsbrevet",
            "choices-0-en": "Newsletter",
            "choices-1-value": "friend",
            "choices-1-fi": "Ystävältä",
            "choices-1-sv": "Av en vän",
            "choices-2-fi": "",  # an empty row is dropped
        },
    )
    assert added.status_code == 303, added.text
    assert added.headers["location"].endswith("#question-channel")
    question = (await current(surveys_editor, survey_id))["definition"]["pages"][0]["questions"][1]
    assert question["choices"] == [
        {
            "value": "o1",
            "text": {"fi": "Uutiskirjeestä", "sv": "I nyhetsbrevet", "en": "Newsletter"},
        },
        {"value": "friend", "text": {"fi": "Ystävältä", "sv": "Av en vän"}},
    ]


async def test_without_javascript_the_server_shows_the_chosen_types_fields_and_rows(
    surveys_editor: httpx.AsyncClient,
) -> None:
    survey_id = await new_survey(surveys_editor)
    version = (await current(surveys_editor, survey_id))["version"]
    retyped = await add(
        surveys_editor, survey_id, action="retype", type="scale", text_fi="Kuinka hyvin?"
    )
    assert retyped.status_code == 200
    html = retyped.text
    assert "hidden" not in section(html, "new-0", "scale nps matrix")
    assert "hidden" in section(html, "new-0", "single multiple dropdown")
    assert 'value="Kuinka hyvin?"' in html  # what was written stays
    assert (await current(surveys_editor, survey_id))["version"] == version  # nothing saved

    more = await add(
        surveys_editor,
        survey_id,
        action="add_row:choices",
        type="single",
        **{"choices-0-fi": "Yksi", "choices-1-fi": "Kaksi"},
    )
    assert 'name="choices-2-fi"' in more.text and 'value="Kaksi"' in more.text
    fewer = await add(
        surveys_editor,
        survey_id,
        action="remove_row:choices:0",
        type="single",
        **{"choices-0-fi": "Yksi", "choices-1-fi": "Kaksi"},
    )
    assert 'name="choices-0-fi" lang="fi" value="Kaksi"' in fewer.text
    assert 'value="Yksi"' not in fewer.text


async def test_conditions_are_shown_in_words_with_question_texts_and_choice_labels(
    surveys_editor: httpx.AsyncClient,
) -> None:
    survey_id = await new_survey(surveys_editor)
    await add(
        surveys_editor,
        survey_id,
        id="often",
        type="single",
        text_fi="Kuinka usein?",
        **{
            "choices-0-value": "daily",
            "choices-0-fi": "Päivittäin",
            "choices-1-value": "weekly",
            "choices-1-fi": "Viikoittain",
            "choices-2-value": "never",
            "choices-2-fi": "Ei koskaan",
        },
    )
    version = (await current(surveys_editor, survey_id))["version"]
    sent = await surveys_editor.post(
        f"{BASE}/{survey_id}/pages/0/questions",
        data={
            "csrf_token": CSRF,
            "version": str(version),
            "id": "what",
            "type": "long_text",
            "text_fi": "Mihin käytät?",
            "show_if_question": "often",
            "show_if_op": "in",
            "show_if_values": ["daily", "weekly"],
        },
    )
    assert sent.status_code == 303, sent.text
    what = (await current(surveys_editor, survey_id))["definition"]["pages"][0]["questions"][2]
    assert what["show_if"] == {"question": "often", "op": "in", "value": ["daily", "weekly"]}
    page = await surveys_editor.get(f"{BASE}/{survey_id}/edit")
    assert (
        "Näytetään, kun vastaus kysymykseen K2 ”Kuinka usein?” on “Päivittäin” tai “Viikoittain”"
        in page.text
    )
    overview = await surveys_editor.get(f"{BASE}/{survey_id}?lang=fi")  # the read-only survey page
    assert "K2 ”Kuinka usein?” on “Päivittäin” tai “Viikoittain”" in overview.text
    english = await surveys_editor.get(f"{BASE}/{survey_id}/edit", headers={"Cookie": "dt_lang=en"})
    assert "Shown when Q2 “Kuinka usein?” is “Päivittäin” or “Viikoittain”" in english.text


async def test_an_inline_error_opens_its_form_and_the_summary_links_to_the_field(
    surveys_editor: httpx.AsyncClient,
) -> None:
    survey_id = await new_survey(surveys_editor)
    bad = await add(surveys_editor, survey_id, id="x", type="single", text_fi="Ilman vaihtoehtoja")
    assert bad.status_code == 422
    html = bad.text
    assert html.index('id="error-summary"') < html.index("<h1>")  # first in the page
    assert (
        "autofocus"
        in html[html.index('id="error-summary"') - 200 : html.index('id="error-summary"') + 80]
    )
    assert 'href="#new-0-choices-0-fi"' in html and 'id="new-0-choices-0-fi"' in html
    assert '<details class="add-question" open>' in html
    assert 'value="Ilman vaihtoehtoja"' in html


async def test_the_new_surveys_placeholder_is_flagged_until_it_is_written(
    surveys_editor: httpx.AsyncClient,
) -> None:
    survey_id = await new_survey(surveys_editor)
    page = await surveys_editor.get(f"{BASE}/{survey_id}/edit")
    assert 'id="unfinished"' in page.text and "K1 “Uusi kysymys”" in page.text
    version = (await current(surveys_editor, survey_id))["version"]
    written = await surveys_editor.post(
        f"{BASE}/{survey_id}/questions/q1",
        data={
            "csrf_token": CSRF,
            "version": str(version),
            "id": "q1",
            "type": "short_text",
            "text_fi": "Mikä on nimesi?",
        },
    )
    assert written.status_code == 303, written.text
    page = await surveys_editor.get(f"{BASE}/{survey_id}/edit")
    assert 'id="unfinished"' not in page.text
