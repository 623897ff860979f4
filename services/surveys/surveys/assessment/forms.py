"""The staff edit form <-> a definition (plain data; the domain checks the result).

Field names follow the domain's error locations ("area-0-name-fi", "q-2-c1-points"), so an
error links to its field. One blank area and one blank question row let staff add one of each
per save; a row whose texts are all empty is left out, and so is a row marked for removal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from surveys.assessment.domain import BAND_KEYS, LANGUAGES, MAX_CHOICES, slug

BLANK_CHOICES = 4
NEW_AREA = "_new"


def _texts(form: Mapping[str, str], prefix: str) -> dict[str, str]:
    return {lang: form.get(f"{prefix}-{lang}", "").strip() for lang in LANGUAGES}


def _count(form: Mapping[str, str], name: str, limit: int) -> int:
    try:
        return max(0, min(int(form.get(name, "0")), limit))
    except ValueError:
        return 0


def definition_of(form: Mapping[str, str]) -> dict[str, Any]:
    """The definition the form describes, unchecked (the domain checks it)."""
    areas = []
    new_key = ""
    for i in range(_count(form, "area-count", 40)):
        p = f"area-{i}"
        name = _texts(form, f"{p}-name")
        if form.get(f"{p}-remove") or not any(name.values()):
            continue
        key = form.get(f"{p}-key", "").strip()
        if not key:
            key = new_key = slug(name["fi"] or name["en"] or name["sv"])
        areas.append(
            {
                "key": key,
                "name": name,
                "feedback": {
                    b: {
                        "text": _texts(form, f"{p}-{b}-text"),
                        "link": form.get(f"{p}-{b}-link", ""),
                    }
                    for b in BAND_KEYS
                },
            }
        )
    questions = []
    taken = {form.get(f"q-{j}-id", "") for j in range(_count(form, "q-count", 200))}
    for j in range(_count(form, "q-count", 200)):
        p = f"q-{j}"
        text = _texts(form, f"{p}-text")
        if form.get(f"{p}-remove") or not any(text.values()):
            continue
        qid = form.get(f"{p}-id", "").strip()
        if not qid:
            n = j + 1
            while f"q{n}" in taken:
                n += 1
            qid = f"q{n}"
            taken.add(qid)
        choices = []
        for k in range(MAX_CHOICES):
            c = f"{p}-c{k}"
            ctext = _texts(form, f"{c}-text")
            if not any(ctext.values()):
                continue
            raw_points = form.get(f"{c}-points", "").strip()
            # Not a number: kept as text, so the domain names this field in its error.
            points: int | str = (
                int(raw_points) if re.fullmatch(r"-?\d{1,6}", raw_points) else raw_points
            )
            choices.append({"id": form.get(f"{c}-id") or f"c{k}", "text": ctext, "points": points})
        questions.append(
            {"id": qid, "area": form.get(f"{p}-area", ""), "text": text, "choices": choices}
        )
    # A question may name the area added in the same save (it has no key until then).
    for q in questions:
        if q["area"] == NEW_AREA:
            q["area"] = new_key
    return {
        "title": _texts(form, "title"),
        "intro": _texts(form, "intro"),
        "events_url": form.get("events_url", ""),
        "areas": areas,
        "questions": questions,
    }


def blank_area() -> dict[str, Any]:
    return {
        "key": "",
        "name": {},
        "feedback": {b: {"text": {}, "link": ""} for b in BAND_KEYS},
    }


def blank_question() -> dict[str, Any]:
    return {"id": "", "area": "", "text": {}, "choices": []}
