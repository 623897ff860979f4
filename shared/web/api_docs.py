"""The OpenAPI documentation page, served from a package: no CDN, no inline script.

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script, both of
which the site's CSP (`script-src 'self'`) refuses, so it stayed blank. Here Swagger UI's files
come from the `swagger-ui-bundle-v2` package and a small script of our own starts it; "Try it
out" sends the session's CSRF token, which the page carries in a data attribute.
"""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

INIT_SCRIPT = Path(__file__).resolve().parent / "static" / "api-docs.js"
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: API</title>
<link rel="stylesheet" href="{base}/assets/swagger-ui.css">
</head>
<body>
<main><h1 class="visually-hidden">{title}: API</h1>
<div id="swagger-ui" data-spec-url="{spec}" data-csrf="{csrf}"></div></main>
<script src="{base}/assets/swagger-ui-bundle.js"></script>
<script src="{base}/init.js"></script>
</body>
</html>
"""


def add_api_docs(app: FastAPI, *, service: str, title: str) -> None:
    base = f"/api/{service}/docs"
    spec = f"/api/{service}/openapi.json"
    router = APIRouter(include_in_schema=False)

    @router.get(base)
    async def docs(request: Request) -> HTMLResponse:
        page = PAGE.format(
            title=html.escape(title),
            base=base,
            spec=spec,
            csrf=html.escape(request.headers.get("x-staff-csrf", ""), quote=True),
        )
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    @router.get(f"{base}/init.js")
    async def init_script() -> FileResponse:
        return FileResponse(INIT_SCRIPT, media_type="text/javascript")

    app.include_router(router)
    app.mount(f"{base}/assets", StaticFiles(directory=str(swagger_ui_path)), name=f"{service}-docs")
