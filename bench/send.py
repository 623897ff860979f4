"""Benchmark: one campaign to N recipients through the real pipeline, to Postfix smtp-sink.

Runs against the stack in the environment, e.g.
    deploy/bin/smtp-sink.sh test start
    deploy/bin/with-test-env.sh .venv/bin/python bench/send.py --recipients 100000
It creates its own database (newsletter_bench) on the newsletter PostgreSQL server, fills
the contact replica, starts --processes sender processes (`newsletter.main sender`: the
real claim / compose / SMTP / record loop, every outcome recorded with its outbox event),
sends the campaign and measures mails/s from "send" to the last recorded SMTP accept, the
senders' CPU seconds from "send" on (start-up left out; also per 1,000 mails, steadier than
mails/s on a shared machine), PostgreSQL's CPU per 1,000 mails ($PG_CLUSTER) and peak RSS.
In the same run, two references against the same sink:
Postfix's smtp-source (20,000 mails of the same size, 16 sessions) and a bare aiosmtplib
loop (one pre-rendered mail over 8 connections, one process). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from aiosmtplib import SMTP
from newsletter.campaigns.service import create_campaign, send_now
from newsletter.settings import NewsletterSettings
from newsletter.tables import deliveries
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import func, select, text

from shared.db import make_engine
from shared.entrypoints import migrate
from shared.web.staff import Staff
from tests.support.databases import drop_database, server

REPO = Path(__file__).resolve().parents[1]
BENCH_SECRET = "bench-secret-" + "x" * 40
PARAGRAPH = (
    "Digitaitoviikko kokoaa jälleen yhteen digituen tekijät eri puolilta Suomea. Viikon aikana "
    "järjestetään webinaareja, työpajoja ja paikallisia tapahtumia, joissa jaetaan kokemuksia "
    "digituen arjesta ja uusista materiaaleista. "
)
CONTENT = {
    lang: {
        "subject": f"Digitaitoviikko 2026 ({lang}), {{{{ first_name }}}}",
        "preheader": "Ohjelma, webinaarit ja uudet materiaalit",
        "blocks": [
            {"type": "heading", "text": "Hei {{ first_name }}, Digitaitoviikko alkaa!"},
            *[{"type": "text", "text": PARAGRAPH * 3} for _ in range(6)],
            {"type": "image", "url": "https://digituki.example/kuva.png", "alt": "Kuva"},
            {"type": "button", "text": "Ilmoittaudu", "url": "https://digituki.example/w"},
            {"type": "divider"},
            *[{"type": "text", "text": PARAGRAPH * 2} for _ in range(4)],
        ],
    }
    for lang in ("fi", "sv", "en")
}


def postgres_cpu() -> float | None:
    """CPU seconds of this stack's PostgreSQL cluster so far ($PG_CLUSTER: the postmaster with
    the backends it reaped, plus the live ones), or None when it cannot be found."""
    cluster = os.environ.get("PG_CLUSTER", "")
    found = sorted(Path("/var/run/postgresql").glob(f"*-{cluster}.pid")) if cluster else []
    if not found:
        return None
    master = int(found[0].read_text().split()[0])
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        if pid == master:
            total += sum(int(f) for f in fields[11:15]) / tick  # with reaped children
        elif int(fields[1]) == master:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def proc_stats(pid: int) -> tuple[float, int]:
    """(CPU seconds, peak RSS bytes) of a live process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    hwm = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) * 1024
    return cpu, hwm


async def prepare_database(base_url: str, recipients: int) -> str:
    root = base_url.rsplit("/", 1)[0]
    await drop_database(root, "newsletter_bench")
    async with server(root) as conn:
        await conn.execute(text("CREATE DATABASE newsletter_bench"))
    url = f"{root}/newsletter_bench"
    await asyncio.to_thread(migrate, REPO / "services/newsletter/migrations", url)
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO contact_snapshot (contact_id, version, email, first_name, last_name,"
                " language, subscription_state, confirmed_at, newsletter_consent, email_status)"
                " SELECT gen_random_uuid(), 1, 'bench-' || i || '@d' || (i % 50) || '.example',"
                " 'Etunimi' || i, 'Sukunimi', (ARRAY['fi','sv','en'])[1 + i % 3], 'subscribed',"
                " now(), true, 'ok' FROM generate_series(1, :n) AS i"
            ),
            {"n": recipients},
        )
    await engine.dispose()
    return url


async def pipeline(args: argparse.Namespace, url: str) -> dict[str, Any]:
    env = os.environ | {
        "NEWSLETTER_DATABASE_URL": url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(args.sink_port),
        "NEWSLETTER_SMTP_CONNECTIONS": str(args.connections),
        "NEWSLETTER_IDLE_POLL_S": "0.1",
        "NEWSLETTER_CLAIM_BATCH_SIZE": str(args.claim_batch),
        "LOG_JSON": "true",
    }
    senders = [
        subprocess.Popen(  # noqa: ASYNC220 - started once, before timing
            [sys.executable, "-m", "newsletter.main", "sender"],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(args.processes)
    ]
    engine = make_engine(url)
    settings = NewsletterSettings(database_url=url)
    try:
        staff = Staff(id="bench", role="editor")
        async with SqlUnitOfWork(engine, b"") as uow:
            campaign = await create_campaign(
                uow,
                staff=staff,
                name="bench",
                content=CONTENT,
                default_language="fi",
                topics=[],
                topical=False,
                tracking=False,
                audience={"all": []},
            )
        await asyncio.sleep(3)  # senders up and idle
        idle_cpu = sum(proc_stats(p.pid)[0] for p in senders)  # start-up, not sending
        pg_before = postgres_cpu()
        started = time.time()
        async with SqlUnitOfWork(engine, settings.suppression_secret()) as uow:
            count = await send_now(uow, staff=staff, campaign_id=campaign, settings=settings)
        materialised = time.time() - started
        while True:
            async with engine.connect() as conn:
                left = (
                    await conn.execute(select(func.count()).where(deliveries.c.status == "pending"))
                ).scalar_one()
            if left == 0:
                break
            await asyncio.sleep(0.2)
        stats = [proc_stats(p.pid) for p in senders]
        pg_after = postgres_cpu()
        async with engine.connect() as conn:
            last, sent, outbox_rows = (
                await conn.execute(
                    text(
                        "SELECT max(finished_at), count(*) FILTER (WHERE status = 'sent'),"
                        " (SELECT count(*) FROM outbox) FROM deliveries"
                    )
                )
            ).one()
        elapsed = last.timestamp() - started
        return {
            "recipients": count,
            "sent": sent,
            "outbox_events": outbox_rows,
            "materialise_s": round(materialised, 2),
            "elapsed_s": round(elapsed, 2),
            "mails_per_s": round(sent / elapsed),
            "processes": args.processes,
            "connections_per_process": args.connections,
            "sender_cpu_s": round(sum(c for c, _ in stats) - idle_cpu, 1),
            "sender_cpu_s_per_1000": round((sum(c for c, _ in stats) - idle_cpu) * 1000 / sent, 3),
            "postgres_cpu_s_per_1000": (
                round((pg_after - pg_before) * 1000 / sent, 3)
                if pg_before is not None and pg_after is not None
                else None
            ),
            "sender_peak_rss_mb": [round(r / 2**20) for _, r in stats],
        }
    finally:
        for p in senders:
            p.terminate()
        for p in senders:
            p.wait(30)
        await engine.dispose()


async def sample_mail(url: str) -> bytes:
    """One real mail of the campaign, for the references (same size)."""
    from newsletter.delivery.compose import CampaignInfo, Composer
    from newsletter.mail.templates import MailTemplates

    engine = make_engine(url)
    async with engine.connect() as conn:
        row = (await conn.execute(select(deliveries).limit(1))).one()
        camp = (await conn.execute(text("SELECT * FROM campaigns LIMIT 1"))).one()._mapping
    await engine.dispose()
    settings = NewsletterSettings(database_url=url)
    composer = Composer(settings, MailTemplates(base_url=settings.public_base_url))
    return composer.job(row, CampaignInfo.of(dict(camp))).data


def smtp_source(path: str, port: int, size: int, mails: int) -> dict[str, Any]:
    started = time.time()
    subprocess.run(
        [path, "-s", "16", "-m", str(mails), "-l", str(size), "-f", "bench@digituki.example",
         "-t", "sink@bench.example", f"127.0.0.1:{port}"],
        check=True,
    )  # fmt: skip
    elapsed = time.time() - started
    return {"mails": mails, "size": size, "elapsed_s": round(elapsed, 2),
            "mails_per_s": round(mails / elapsed)}  # fmt: skip


async def bare_loop(port: int, data: bytes, mails: int, connections: int = 8) -> dict[str, Any]:
    per = mails // connections

    async def one() -> None:
        smtp = SMTP(hostname="127.0.0.1", port=port)
        await smtp.connect()
        for _ in range(per):
            await smtp.sendmail("bench@digituki.example", ["sink@bench.example"], data)
        await smtp.quit()

    started = time.time()
    await asyncio.gather(*(one() for _ in range(connections)))
    elapsed = time.time() - started
    sent = per * connections
    return {"mails": sent, "connections": connections,
            "elapsed_s": round(elapsed, 2), "mails_per_s": round(sent / elapsed)}  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--claim-batch", type=int, default=500)
    parser.add_argument("--sink-port", type=int, default=int(os.environ.get("SMTP_SINK_PORT", "0")))
    parser.add_argument("--reference-mails", type=int, default=20_000)
    parser.add_argument("--smtp-source", default=None, help="path (default: smtp-sink.sh)")
    args = parser.parse_args()
    os.environ.setdefault("LINK_SECRET", BENCH_SECRET)
    os.environ.setdefault("NEWSLETTER_SECRET_KEY", BENCH_SECRET)
    url = await prepare_database(os.environ["NEWSLETTER_DATABASE_URL"], args.recipients)
    result: dict[str, Any] = {"pipeline": await pipeline(args, url)}
    data = await sample_mail(url)
    source = args.smtp_source or subprocess.run(  # noqa: ASYNC221 - not timed
        [str(REPO / "deploy/bin/smtp-sink.sh"), "test", "path-source"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    result["smtp_source_16"] = smtp_source(source, args.sink_port, len(data), args.reference_mails)
    result["bare_aiosmtplib_8"] = await bare_loop(args.sink_port, data, args.reference_mails)
    result["mail_size"] = len(data)
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
