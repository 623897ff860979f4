"""Public open data: an index page (fi/sv/en) and the datasets at stable URLs.

/open-data                      the index: what each dataset holds, its licence, the formats
/open-data/datapackage.json     the Frictionless Data Package descriptor (CC BY 4.0)
/open-data/network-size.csv     (and .json) members by region and organisation type per month
/open-data/newsletter-reach.csv (and .json) campaigns, people reached and rates per month
/open-data/self-assessment.csv  (and .json) self-assessment scores by region and area per month
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response, status

from contacts.deps import Uow
from contacts.impact import open_data
from contacts.impact.domain import SMALLEST_GROUP
from contacts.impact.open_schemas import TITLES
from contacts.rendering import pages, public_language

router = APIRouter(prefix="/open-data", include_in_schema=False)
FileName = Annotated[str, Path(max_length=40)]
# Open data: anyone may read it from anywhere, and a proxy may keep it for an hour.
HEADERS = {"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"}
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@router.get("")
async def open_data_index(request: Request) -> Response:
    lang = public_language(request)
    return pages.render(
        request,
        "open_data.html",
        {
            "datasets": [(name, TITLES[name]) for name in open_data.DATASETS],
            "smallest": SMALLEST_GROUP,
        },
        lang=lang,
    )


@router.get("/{filename}")
async def open_data_file(filename: FileName, uow: Uow) -> Response:
    if filename == "datapackage.json":
        body = json.dumps(open_data.descriptor(), ensure_ascii=False, indent=1).encode("utf-8")
        return Response(body, media_type="application/json", headers=HEADERS)
    name, _dot, fmt = filename.rpartition(".")
    if name not in open_data.DATASETS or fmt not in open_data.FORMATS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such dataset.")
    if name == "network-size":
        gettext = {lang: pages.gettext(lang) for lang in ("fi", "sv")}
        rows = await open_data.network_size(uow, gettext=gettext)
    elif name == "self-assessment":
        rows = await open_data.self_assessment(uow)
    else:
        rows = await open_data.newsletter_reach(uow)
    body = open_data.as_csv(name, rows) if fmt == "csv" else open_data.as_json(rows)
    return Response(body, media_type=MEDIA[fmt], headers=HEADERS)
