"""Development mail catcher: an SMTP server that keeps every mail, and a web page to read them.

usage: catcher.py MAIL_DIR [--smtp-port 1025] [--http-port 8025] [--host 127.0.0.1]
                  [--bounce-prefix bounce-5xx] [--defer-prefix defer-4xx]

* SMTP on HOST:SMTP_PORT (aiosmtpd). Each accepted mail is stored as MAIL_DIR/<n>.eml with a
  JSON sidecar <n>.json (envelope sender and recipients, time received, a summary of headers).
* A recipient whose local part starts with the bounce prefix is refused with 550, one starting
  with the defer prefix with 451, so tests can exercise bounces and retries. An empty prefix
  turns that off.
* HTTP on HOST:HTTP_PORT (FastAPI, in the same asyncio loop): a page listing the mails, a page
  per mail (HTML part in a sandboxed iframe, text part, headers, raw source), "delete all";
  and a JSON API for tests:
    GET    /api/messages          list (id, from, to, subject, date, message_id, envelope...)
    GET    /api/messages/{id}     one mail: headers as [name, value] pairs, text, html, raw
    DELETE /api/messages          delete all
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import uvicorn
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from jinja2 import DictLoader, Environment, select_autoescape

log = logging.getLogger("mailcatcher")


class MailStore:
    """Numbered .eml files with JSON sidecars in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._next_id = (
            max((int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit()), default=0) + 1
        )

    def _paths(self, mail_id: int) -> tuple[Path, Path]:
        stem = f"{mail_id:06d}"
        return self.folder / f"{stem}.eml", self.folder / f"{stem}.json"

    def add(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> int:
        # One event loop, no await in here: the counter needs no lock.
        mail_id = self._next_id
        self._next_id += 1
        msg = parse(raw)
        meta = {
            "id": mail_id,
            "from": str(msg.get("From", "")),
            "to": str(msg.get("To", "")),
            "subject": str(msg.get("Subject", "")),
            "date": str(msg.get("Date", "")),
            "message_id": str(msg.get("Message-ID", "")),
            "envelope_from": mail_from,
            "envelope_to": rcpt_tos,
            "received_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "size": len(raw),
        }
        eml, side = self._paths(mail_id)
        # The sidecar is what makes a mail visible: write it last, both via rename.
        _write_atomic(eml, raw)
        _write_atomic(side, json.dumps(meta, ensure_ascii=False).encode())
        return mail_id

    def summaries(self) -> list[dict[str, Any]]:
        out = []
        for side in sorted(self.folder.glob("*.json")):
            with contextlib.suppress(OSError, ValueError):
                out.append(json.loads(side.read_text(encoding="utf-8")))
        return out

    def get(self, mail_id: int) -> tuple[dict[str, Any], bytes] | None:
        eml, side = self._paths(mail_id)
        try:
            return json.loads(side.read_text(encoding="utf-8")), eml.read_bytes()
        except (OSError, ValueError):
            return None

    def clear(self) -> int:
        count = 0
        for path in self.folder.iterdir():
            if path.suffix in {".eml", ".json", ".tmp"}:
                count += path.suffix == ".json"
                path.unlink(missing_ok=True)
        return count


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def parse(raw: bytes) -> EmailMessage:
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)  # policy.default always gives EmailMessage
    return msg


def body_part(msg: EmailMessage, subtype: str) -> str | None:
    part = msg.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_type() != f"text/{subtype}":
        return None
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # unknown charset or broken encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return str(content)


def details(meta: dict[str, Any], raw: bytes) -> dict[str, Any]:
    msg = parse(raw)
    return {
        **meta,
        "headers": [[name, str(value)] for name, value in msg.items()],
        "text": body_part(msg, "plain"),
        "html": body_part(msg, "html"),
        "raw": raw.decode("utf-8", "replace"),
    }


class CatcherHandler:
    """aiosmtpd handler: refuse bounce/defer recipients, store everything else."""

    def __init__(self, store: MailStore, bounce_prefix: str, defer_prefix: str) -> None:
        self.store = store
        self.bounce_prefix = bounce_prefix.lower()
        self.defer_prefix = defer_prefix.lower()

    async def handle_RCPT(  # aiosmtpd finds hooks by this name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        local = address.rsplit("@", 1)[0].lower()
        if self.bounce_prefix and local.startswith(self.bounce_prefix):
            return f"550 5.1.1 <{address}>: mailbox unavailable (test bounce)"
        if self.defer_prefix and local.startswith(self.defer_prefix):
            return f"451 4.3.0 <{address}>: try again later (test deferral)"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(  # aiosmtpd finds hooks by this name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        mail_id = self.store.add(raw, envelope.mail_from or "", list(envelope.rcpt_tos))
        log.info("stored mail %d from %s to %s", mail_id, envelope.mail_from, envelope.rcpt_tos)
        return f"250 2.0.0 OK: queued as {mail_id}"


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} – Digituki mail catcher</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1rem 2rem; color: #111; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #ccc;
         vertical-align: top; }
pre { white-space: pre-wrap; word-break: break-word; background: #f4f4f4; padding: .5rem; }
iframe { width: 100%; height: 32rem; border: 1px solid #888; background: #fff; }
a { color: #0645ad; }
a:focus, button:focus, input:focus { outline: 3px solid #fb0; }
</style>
</head>
<body>
<header><p><a href="/">All mails</a></p></header>
<main>
{% block main %}{% endblock %}
</main>
</body>
</html>
"""

LIST = """{% extends "page" %}
{% block title %}Mails{% endblock %}
{% block main %}
<h1>Caught mails</h1>
<form method="get" action="/">
  <label for="to">Recipient contains</label>
  <input id="to" name="to" type="search" value="{{ to }}">
  <button type="submit">Filter</button>
</form>
{% if mails %}
<table>
  <caption>{{ mails|length }} mail(s), newest first</caption>
  <thead><tr>
    <th scope="col">#</th><th scope="col">From</th><th scope="col">To</th>
    <th scope="col">Subject</th><th scope="col">Date</th>
  </tr></thead>
  <tbody>
  {% for m in mails %}
  <tr>
    <td>{{ m.id }}</td><td>{{ m.from }}</td><td>{{ m.to }}</td>
    <td><a href="/messages/{{ m.id }}">{{ m.subject or "(no subject)" }}</a></td>
    <td>{{ m.date }}</td>
  </tr>
  {% endfor %}
  </tbody>
</table>
{% else %}
<p>No mails{% if to %} for “{{ to }}”{% endif %}.</p>
{% endif %}
<h2>Delete</h2>
<form method="post" action="/messages/delete">
  <button type="submit">Delete all mails</button>
</form>
{% endblock %}
"""

DETAIL = """{% extends "page" %}
{% block title %}{{ m.subject or "(no subject)" }}{% endblock %}
{% block main %}
<h1>{{ m.subject or "(no subject)" }}</h1>
<dl>
  <dt>From</dt><dd>{{ m.from }}</dd>
  <dt>To</dt><dd>{{ m.to }}</dd>
  <dt>Date</dt><dd>{{ m.date }}</dd>
  <dt>Envelope</dt><dd>{{ m.envelope_from }} → {{ m.envelope_to|join(", ") }}</dd>
  <dt>Received</dt><dd>{{ m.received_at }}</dd>
</dl>
<p><a href="/messages/{{ m.id }}.eml">Download as .eml</a></p>
<h2>HTML part</h2>
{% if m.html is not none %}
<iframe title="HTML part of the mail" sandbox srcdoc="{{ m.html }}"></iframe>
{% else %}<p>No HTML part.</p>{% endif %}
<h2>Text part</h2>
{% if m.text is not none %}<pre>{{ m.text }}</pre>{% else %}<p>No text part.</p>{% endif %}
<h2>Headers</h2>
<table>
  <caption>All headers, in order</caption>
  <thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead>
  <tbody>
  {% for name, value in m.headers %}<tr><td>{{ name }}</td><td>{{ value }}</td></tr>{% endfor %}
  </tbody>
</table>
<h2>Raw source</h2>
<pre>{{ m.raw }}</pre>
{% endblock %}
"""

templates = Environment(
    loader=DictLoader({"page": PAGE, "list": LIST, "detail": DETAIL}),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def filtered(store: MailStore, to: str) -> list[dict[str, Any]]:
    mails = store.summaries()
    if to:
        needle = to.lower()
        mails = [
            m
            for m in mails
            if needle in m.get("to", "").lower()
            or any(needle in r.lower() for r in m.get("envelope_to", []))
        ]
    return mails


def create_app(store: MailStore) -> FastAPI:
    app = FastAPI(title="Digituki mail catcher", docs_url=None, redoc_url=None)

    def load(mail_id: int) -> dict[str, Any]:
        found = store.get(mail_id)
        if found is None:
            raise HTTPException(status_code=404, detail="no such mail")
        return details(*found)

    @app.get("/api/messages")
    def api_list(to: str = Query("", description="recipient substring")) -> list[dict[str, Any]]:
        return filtered(store, to)

    @app.get("/api/messages/{mail_id}")
    def api_get(mail_id: int) -> dict[str, Any]:
        return load(mail_id)

    @app.delete("/api/messages")
    def api_delete() -> dict[str, int]:
        return {"deleted": store.clear()}

    @app.get("/", response_class=HTMLResponse)
    def page_list(to: str = "") -> str:
        mails = list(reversed(filtered(store, to)))
        return templates.get_template("list").render(mails=mails, to=to)

    @app.get("/messages/{mail_id}.eml", response_class=PlainTextResponse)
    def page_raw(mail_id: int) -> PlainTextResponse:
        found = store.get(mail_id)
        if found is None:
            raise HTTPException(status_code=404, detail="no such mail")
        return PlainTextResponse(found[1], media_type="message/rfc822")

    @app.get("/messages/{mail_id}", response_class=HTMLResponse)
    def page_detail(mail_id: int) -> str:
        return templates.get_template("detail").render(m=load(mail_id))

    @app.post("/messages/delete")
    def page_delete() -> RedirectResponse:
        store.clear()
        return RedirectResponse("/", status_code=303)

    return app


async def serve(args: argparse.Namespace) -> None:
    store = MailStore(Path(args.mail_dir))
    handler = CatcherHandler(store, args.bounce_prefix, args.defer_prefix)
    loop = asyncio.get_running_loop()
    smtp_server = await loop.create_server(
        lambda: SMTP(handler, hostname="mailcatcher.invalid", enable_SMTPUTF8=True),
        host=args.host,
        port=args.smtp_port,
        reuse_address=True,
    )
    log.info("SMTP on %s:%d, mails in %s", args.host, args.smtp_port, store.folder)
    config = uvicorn.Config(
        create_app(store), host=args.host, port=args.http_port, log_level="warning"
    )
    # uvicorn handles SIGINT/SIGTERM: serve() returns, then the SMTP side closes too.
    try:
        await uvicorn.Server(config).serve()
    finally:
        smtp_server.close()
        await smtp_server.wait_closed()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("mail_dir", help="folder for the .eml files and their JSON sidecars")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument(
        "--bounce-prefix",
        default="bounce-5xx",
        help="refuse recipients whose local part starts so with 550 ('' = off)",
    )
    parser.add_argument(
        "--defer-prefix",
        default="defer-4xx",
        help="refuse recipients whose local part starts so with 451 ('' = off)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    # aiosmtpd logs every SMTP command at INFO: far too much for a newsletter run.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
