"""Filling a contacts database with a national-scale network for bench/staff_pages.py.

Set-based SQL (generate_series), in the shape the use cases leave behind: people with their
contact snapshot, organisation links (current and ended), memberships and onboarding, the
consent log, signups, a timeline per person (signup, confirmation, membership, mail opens and
clicks), staff notes, visit requests, and the dashboard's mail and survey figures of a year of
campaigns. Random but seeded, so two fills of the same size look alike.
"""

from __future__ import annotations

import time
from typing import Any

from contacts.classification import load_classification
from contacts.organisations.domain.organisation import ORGANISATION_TYPES
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

FIRST_NAMES = (  # noqa: SIM905
    "Matti Pekka Juha Mikko Timo Jari Antti Kari Markku Mika Hannu Heikki Ville Janne Petri "
    "Sami Tuomas Jukka Marko Lauri Eero Aleksi Olli Jussi Teemu Risto Seppo Kalle Niko Elias "
    "Anne Tuula Päivi Anna Ritva Leena Pirjo Sari Minna Marja Tiina Johanna Riitta Kirsi "
    "Laura Eeva Hanna Maria Sanna Katja Elina Aino Emma Sofia Helmi Ella Noora Satu Outi Heli "
    "Maija Kaisa Jenni Heidi Suvi Paula Merja Irma Liisa Helena Sirpa Arja Sinikka Karin Mats "
    "Johan"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen "
    "Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen Turunen "
    "Salo Laitinen Tuominen Rantanen Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen "
    "Hiltunen Leinonen Miettinen Pesonen Väisänen Hirvonen Räsänen Lehto Laaksonen Aaltonen "
    "Manninen Kallio Peltonen Ojala Kemppainen Anttila Koivisto Harju Lindholm Nyman "
    "Lindqvist Eriksson Johansson Andersson Karlsson Nyberg Holmström Sjöberg Backman Ström "
    "Lundqvist Airaksinen Honkanen Huttunen Kettunen Kokkonen Kärkkäinen Lampinen Lindroos "
    "Mustonen Nurmi Partanen Pitkänen Rissanen Seppälä Sirviö Toivonen Tikkanen Vainio "
    "Vesterinen"
).split()
TYPE_WORDS = {
    "library": "kirjasto",
    "service_point": "asiointipiste",
    "authority": "virasto",
    "ngo": "yhdistys ry",
    "municipality": "kunta",
    "wellbeing_county": "hyvinvointialue",
    "citizen_advice": "kansalaisneuvonta",
    "education": "kansalaisopisto",
    "company": "Oy",
    "project": "hanke",
    "other": "yhteisö",
}
TAGS = [f"Tapahtuma {y} {k}" for y in (2024, 2025, 2026) for k in ("kevät", "syksy")] + [
    "Puhuja",
    "Kouluttaja",
    "Lehdistö",
    "Pilotti",
    "Raati",
    "VIP",
]
SEED = 0.4242

STEPS: list[tuple[str, str]] = [
    (
        "staff users and tags",
        """
        INSERT INTO staff_users (id, email, name, role, password_hash)
        SELECT gen_random_uuid(), 'staff' || i || '@digituki.example', 'Staff ' || i,
            (ARRAY['viewer','editor','editor','admin'])[1 + i % 4], '!bench-no-password'
        FROM generate_series(1, 25) i;
        INSERT INTO tags (name) SELECT unnest(CAST(:tags AS text[]));
        CREATE UNLOGGED TABLE bench_staff AS
            SELECT row_number() OVER (ORDER BY email) AS n, id::text AS id FROM staff_users;
        CREATE UNLOGGED TABLE bench_muni AS
            SELECT * FROM unnest(CAST(:munis AS text[]), CAST(:muni_regions AS text[]),
                CAST(:muni_names AS text[])) WITH ORDINALITY AS m(code, region, name, n);
        """,
    ),
    (
        "organisations",
        """
        CREATE UNLOGGED TABLE bench_o AS
        SELECT i, gen_random_uuid() AS id, t.type, m.code AS municipality, m.region,
            m.name AS place,
            now() - r_age * interval '1500 days' AS created_at, r_bid
        FROM (SELECT i, random() AS r_type, random() AS r_muni, random() AS r_age,
                random() AS r_bid
              FROM generate_series(0, :orgs - 1) i) g
        JOIN unnest(CAST(:types AS text[])) WITH ORDINALITY AS t(type, n)
            ON t.n = 1 + floor(g.r_type * cardinality(CAST(:types AS text[])))
        JOIN bench_muni m ON m.n = 1 + floor(g.r_muni * cardinality(CAST(:munis AS text[])));
        ALTER TABLE bench_o ADD PRIMARY KEY (i);
        INSERT INTO organisations (id, name, type, business_id, region, municipality, website,
            status, created_at, updated_at)
        SELECT id, place || ' ' || (CAST(:type_words AS jsonb) ->> type) || ' ' || i, type,
            CASE WHEN r_bid < 0.6 THEN lpad((1000000 + i)::text, 7, '0') || '-' || (i % 10) END,
            region, municipality,
            CASE WHEN r_bid < 0.8 THEN 'https://org' || i || '.example.fi' ELSE '' END,
            CASE WHEN r_bid > 0.98 THEN 'pending_review' ELSE 'active' END, created_at, created_at
        FROM bench_o;
        """,
    ),
    (
        "people",
        # org_i: a tenth of the people belong to no organisation; sizes are skewed (a big
        # city's library has thousands of people, most organisations a handful).
        """
        CREATE UNLOGGED TABLE bench_p AS
        SELECT i, gen_random_uuid() AS id,
            CASE WHEN r_org < 0.9 THEN floor(:orgs * r_size * r_size)::int END AS org_i,
            f.name AS first_name, l.name AS last_name,
            CASE WHEN r_lang < 0.85 THEN 'fi' WHEN r_lang < 0.95 THEN 'sv' ELSE 'en' END
                AS language,
            CASE WHEN r_muni < 0.5 THEN m.code END AS own_municipality,
            now() - r_age * r_age * interval '1460 days' AS created_at,
            CASE WHEN r_sub < 0.75 THEN 'subscribed' WHEN r_sub < 0.85 THEN 'pending'
                ELSE 'unsubscribed' END AS subscription_state,
            r_mem, r_ob, r_misc, r_topics, r_dom
        FROM (SELECT i, random() AS r_org, random() AS r_size, random() AS r_first,
                random() AS r_last, random() AS r_lang, random() AS r_muni, random() AS r_m,
                random() AS r_age, random() AS r_sub, random() AS r_mem, random() AS r_ob,
                random() AS r_misc, random() AS r_dom,
                floor(random() * 1024)::int & floor(random() * 1024)::int AS r_topics
              FROM generate_series(1, :people) i) g
        JOIN unnest(CAST(:firsts AS text[])) WITH ORDINALITY AS f(name, n)
            ON f.n = 1 + floor(g.r_first * cardinality(CAST(:firsts AS text[])))
        JOIN unnest(CAST(:lasts AS text[])) WITH ORDINALITY AS l(name, n)
            ON l.n = 1 + floor(g.r_last * cardinality(CAST(:lasts AS text[])))
        JOIN bench_muni m ON m.n = 1 + floor(g.r_m * cardinality(CAST(:munis AS text[])));
        ALTER TABLE bench_p ADD PRIMARY KEY (i);
        INSERT INTO people (id, email, first_name, last_name, language, version, created_at,
            updated_at, phone, title, municipality, topics, subscription_state, confirmed_at,
            newsletter_consent, survey_consent, email_status, tags, last_engaged_on)
        SELECT id,
            translate(lower(first_name || '.' || last_name), 'äöå', 'aoa') || i || '@'
                || CASE WHEN org_i IS NOT NULL AND r_dom < 0.6 THEN 'org' || org_i || '.example.fi'
                   ELSE (ARRAY['gmail.com','outlook.com','hotmail.com','yahoo.com',
                               'kolumbus.fi','luukku.com'])[1 + i % 6] END,
            first_name, last_name, language, 1 + (i % 7), created_at, created_at,
            CASE WHEN r_misc < 0.3 THEN '+35840' || lpad((i % 10000000)::text, 7, '0') END,
            CASE WHEN r_misc < 0.2 THEN 'Digituutori' ELSE '' END,
            own_municipality,
            ARRAY(SELECT k FROM unnest(CAST(:topics AS text[])) WITH ORDINALITY AS t(k, n)
                  WHERE (bench_p.r_topics >> (n::int - 1)) & 1 = 1 AND n <= 10 ORDER BY k),
            subscription_state,
            CASE WHEN subscription_state <> 'pending' THEN created_at + interval '20 minutes' END,
            subscription_state = 'subscribed', subscription_state = 'subscribed' AND r_misc < 0.55,
            CASE WHEN r_misc > 0.995 THEN 'complained' WHEN r_misc > 0.97 THEN 'bounced'
                ELSE 'ok' END,
            CASE WHEN r_dom > 0.95 THEN ARRAY[(CAST(:tags AS text[]))[1 + i % :ntags]]
                ELSE '{}' END,
            CASE WHEN subscription_state = 'subscribed' AND r_ob < 0.6
                THEN (now() - r_ob * interval '365 days')::date END
        FROM bench_p;
        """,
    ),
    (
        "organisation links",
        """
        INSERT INTO person_organisations (id, person_id, organisation_id, role, start_date,
            end_date, created_at)
        SELECT gen_random_uuid(), p.id, o.id,
            (ARRAY['Digituutori','Kirjastonhoitaja','Asiakaspalvelu','Projektipäällikkö',''])
                [1 + p.i % 5], p.created_at::date, NULL, p.created_at
        FROM bench_p p JOIN bench_o o ON o.i = p.org_i;
        -- One in ten moved on from an earlier organisation.
        INSERT INTO person_organisations (id, person_id, organisation_id, role, start_date,
            end_date, created_at)
        SELECT gen_random_uuid(), p.id, o.id, '', p.created_at::date - 400,
            p.created_at::date - 1, p.created_at - interval '1 day'
        FROM bench_p p JOIN bench_o o ON o.i = (p.i::bigint * 7919) % :orgs
        WHERE p.r_misc BETWEEN 0.3 AND 0.4;
        """,
    ),
    (
        "memberships and onboarding",
        """
        INSERT INTO memberships (person_id, state, ecosystem_role, applied_at, started_at,
            ended_at, reason, decided_by, updated_at)
        SELECT id, state, CASE WHEN r_ob < 0.1 THEN 'provider_developer' END, applied,
            CASE WHEN state IN ('active','paused','left') THEN applied + interval '2 days' END,
            CASE WHEN state = 'left' THEN least(now(), applied + interval '2 days'
                + r_ob * interval '400 days') END,
            '', (SELECT id FROM bench_staff WHERE n = 1 + x.i % 25), applied
        FROM (SELECT i, id, r_ob, created_at + interval '1 hour' AS applied,
                CASE WHEN r_mem < 0.26 THEN 'active' WHEN r_mem < 0.292 THEN 'pending'
                     WHEN r_mem < 0.312 THEN 'paused' WHEN r_mem < 0.372 THEN 'left'
                     ELSE 'declined' END AS state
              FROM bench_p WHERE r_mem < 0.4 AND subscription_state <> 'pending') x;
        INSERT INTO onboarding (person_id, state, invited_at, requested_at, decided_at,
            decided_by, left_at, reminders_sent, updated_at)
        SELECT m.person_id, s.state, m.started_at + interval '1 day',
            CASE WHEN s.state <> 'invited' THEN m.started_at + interval '3 days' END,
            CASE WHEN s.state IN ('approved','declined','left')
                THEN m.started_at + interval '4 days' END,
            CASE WHEN s.state IN ('approved','declined','left') THEN m.decided_by END,
            CASE WHEN s.state = 'left' THEN m.started_at + interval '60 days' END,
            CASE WHEN s.state = 'invited' THEN 2 ELSE 0 END, m.updated_at
        FROM memberships m
        CROSS JOIN LATERAL (SELECT CASE WHEN r < 0.2 THEN 'invited' WHEN r < 0.3 THEN 'requested'
                WHEN r < 0.9 THEN 'approved' WHEN r < 0.95 THEN 'declined' ELSE 'left' END
                AS state FROM (SELECT random() + 0 * hashtext(m.person_id::text) AS r) rr) s
        WHERE m.state IN ('active','paused') AND hashtext(m.person_id::text) % 10 < 7;
        """,
    ),
    (
        "contact snapshots",
        """
        INSERT INTO contact_snapshot (contact_id, version, erased, email, first_name, last_name,
            language, organisation_id, organisation_name, organisation_type, region,
            municipality, topics, tags, subscription_state, confirmed_at, newsletter_consent,
            survey_consent, membership_state, ecosystem_role, onboarding_state, email_status,
            last_engaged_on, created_at)
        SELECT pe.id, pe.version, false, pe.email, pe.first_name, pe.last_name, pe.language,
            o.id, og.name, o.type, coalesce(mu.region, o.region),
            coalesce(pe.municipality, o.municipality), pe.topics, pe.tags,
            pe.subscription_state, pe.confirmed_at,
            pe.subscription_state = 'subscribed' AND pe.newsletter_consent,
            pe.subscription_state = 'subscribed' AND pe.survey_consent,
            coalesce(m.state, 'none'), m.ecosystem_role, coalesce(ob.state, 'not_invited'),
            pe.email_status, pe.last_engaged_on, pe.created_at
        FROM bench_p p
        JOIN people pe ON pe.id = p.id
        LEFT JOIN bench_o o ON o.i = p.org_i
        LEFT JOIN organisations og ON og.id = o.id
        LEFT JOIN bench_muni mu ON mu.code = pe.municipality
        LEFT JOIN memberships m ON m.person_id = p.id
        LEFT JOIN onboarding ob ON ob.person_id = p.id;
        """,
    ),
    (
        "signups and consent log",
        """
        INSERT INTO signups (id, person_id, details, wording_version, ip, created_at,
            confirmed_at)
        SELECT gen_random_uuid(), p.id,
            jsonb_build_object('first_name', p.first_name, 'last_name', p.last_name,
                'language', p.language, 'surveys', p.r_misc < 0.55,
                'apply_membership', p.r_mem < 0.4),
            'consent-v1', '192.0.2.0', p.created_at,
            CASE WHEN p.subscription_state <> 'pending' THEN p.created_at + interval '20 minutes'
            END
        FROM bench_p p WHERE p.r_dom < 0.7;
        INSERT INTO consent_log (person_id, purpose, given, method, wording_version, ip, basis,
            occurred_at)
        SELECT p.id, c.purpose, true, CASE WHEN p.r_dom < 0.7 THEN 'signup' ELSE 'import' END,
            'consent-v1', CASE WHEN p.r_dom < 0.7 THEN '192.0.2.0' END,
            CASE WHEN p.r_dom >= 0.7 THEN 'Tapahtuman osallistujat' END,
            p.created_at + interval '20 minutes'
        FROM bench_p p
        CROSS JOIN (VALUES ('newsletter'), ('surveys')) AS c(purpose)
        WHERE p.subscription_state <> 'pending' AND (c.purpose = 'newsletter' OR p.r_misc < 0.55);
        INSERT INTO consent_log (person_id, purpose, given, method, wording_version, ip, basis,
            occurred_at)
        SELECT p.id, 'newsletter', false, 'unsubscribe', NULL, NULL, NULL,
            p.created_at + (now() - p.created_at) / 2
        FROM bench_p p WHERE p.subscription_state = 'unsubscribed';
        """,
    ),
    (
        "timelines",
        # signed up, confirmed, organisation linked, membership; then mail opens and clicks of
        # subscribed people (skewed: most open a few newsletters, some open them all).
        """
        INSERT INTO activity (person_id, kind, source, details, occurred_at)
        SELECT p.id, 'signed_up', 'contacts', jsonb_build_object('signup_id', s.id),
            p.created_at
        FROM bench_p p JOIN signups s ON s.person_id = p.id;
        INSERT INTO activity (person_id, kind, source, details, occurred_at)
        SELECT p.id, 'confirmed', 'contacts', '{}', p.created_at + interval '20 minutes'
        FROM bench_p p WHERE p.subscription_state <> 'pending';
        INSERT INTO activity (person_id, kind, source, details, occurred_at)
        SELECT po.person_id, 'organisation_linked', 'contacts',
            jsonb_build_object('organisation_id', po.organisation_id), po.created_at
        FROM person_organisations po;
        INSERT INTO activity (person_id, kind, source, details, occurred_at)
        SELECT m.person_id, 'membership_changed', 'contacts',
            jsonb_build_object('state', m.state, 'actor', m.decided_by), m.updated_at
        FROM memberships m;
        INSERT INTO activity (person_id, kind, source, details, occurred_at)
        SELECT p.id, CASE WHEN k % 4 = 0 THEN 'mail_clicked' ELSE 'mail_opened' END,
            'newsletter',
            jsonb_build_object('origin', 'campaign', 'origin_id',
                'c0000000-0000-4000-8000-' || lpad((k % 26)::text, 12, '0')),
            greatest(p.created_at, now() - (k % 26) * interval '14 days')
        FROM bench_p p
        CROSS JOIN LATERAL generate_series(1, floor(power(p.r_ob, 3) * 16)::int) AS k
        WHERE p.subscription_state = 'subscribed';
        """,
    ),
    (
        "notes and visit requests",
        """
        INSERT INTO notes (id, person_id, text, author, created_at)
        SELECT gen_random_uuid(), p.id, 'Tavattu Digitaitoviikolla, kiinnostunut koulutuksista.',
            (SELECT id FROM bench_staff WHERE n = 1 + p.i % 25),
            now() - p.r_ob * interval '300 days'
        FROM bench_p p WHERE p.r_misc BETWEEN 0.5 AND 0.51;
        INSERT INTO notes (id, organisation_id, text, author, created_at)
        SELECT gen_random_uuid(), o.id, 'Yhteyshenkilö vaihtunut, sovittu käynti syksyllä.',
            (SELECT id FROM bench_staff WHERE n = 1 + (o.i + k) % 25),
            now() - k * interval '40 days'
        FROM bench_o o CROSS JOIN generate_series(1, 3) k WHERE o.r_bid < 0.1 * k;
        INSERT INTO visit_requests (id, organisation_id, organisation_name, contact_name, email,
            topic, wished_dates, audience_size, message, language, state, state_changed_at,
            state_changed_by, created_at)
        SELECT gen_random_uuid(), o.id, o.place || ' ' || o.type, 'Yhteyshenkilö ' || k,
            'visit' || o.i || '-' || k || '@example.fi', 'digitaitoviikko', 'Syksyllä',
            20 + k, 'Tervetuloa!', 'fi',
            (ARRAY['new','agreed','done','declined'])[1 + (o.i + k) % 4],
            CASE WHEN (o.i + k) % 4 > 0 THEN now() - k * interval '20 days' END,
            CASE WHEN (o.i + k) % 4 > 0 THEN (SELECT id FROM bench_staff WHERE n = 1) END,
            now() - k * interval '30 days'
        FROM bench_o o CROSS JOIN generate_series(1, 4) k WHERE o.i < 2000 AND k <= 1 + o.i % 4;
        """,
    ),
    (
        "dashboard mail and survey figures",
        # 26 campaigns (two a month for a year) to 20,000-300,000 subscribers each; eight survey
        # campaigns of the last half year, a fifth of the invitations reminded once.
        """
        INSERT INTO mail_origins (group_id, origin, label, first_sent_at)
        SELECT 'c0000000-0000-4000-8000-' || lpad(c::text, 12, '0'), 'campaign',
            'Digituen uutiskirje ' || (26 - c), now() - c * interval '14 days'
        FROM generate_series(0, 25) c;
        INSERT INTO mail_figures (delivery_id, origin, origin_id, group_id, sent_at, bounced,
            opened, clicked)
        SELECT gen_random_uuid(), 'campaign', g, g, now() - c * interval '14 days',
            r < 0.01, r >= 0.01 AND r < 0.36, r >= 0.01 AND r < 0.06
        FROM generate_series(0, 25) c
        CROSS JOIN LATERAL (SELECT 'c0000000-0000-4000-8000-' || lpad(c::text, 12, '0') AS g) x
        CROSS JOIN LATERAL generate_series(1, 20000 + (c * 104729) % 280000) d
        CROSS JOIN LATERAL (SELECT random() + 0 * d AS r) rr;
        INSERT INTO mail_origins (group_id, origin, label, first_sent_at)
        SELECT 'a0000000-0000-4000-8000-' || lpad(s::text, 12, '0'), 'survey_invitation',
            'Digituen kysely ' || s, now() - s * interval '21 days'
        FROM generate_series(0, 7) s;
        CREATE UNLOGGED TABLE bench_inv AS
        SELECT s, gen_random_uuid() AS invitation, random() AS r
        FROM generate_series(0, 7) s CROSS JOIN LATERAL generate_series(1, 10000 + s * 4000) i;
        INSERT INTO mail_figures (delivery_id, origin, origin_id, group_id, sent_at, bounced,
            opened, clicked)
        SELECT gen_random_uuid(), 'survey_invitation', invitation::text,
            'a0000000-0000-4000-8000-' || lpad(s::text, 12, '0'),
            now() - s * interval '21 days' + reminder * interval '7 days', r < 0.01,
            r BETWEEN 0.01 AND 0.5, r BETWEEN 0.01 AND 0.3
        FROM bench_inv CROSS JOIN generate_series(0, 1) reminder
        WHERE reminder = 0 OR r > 0.8;
        INSERT INTO survey_responses_seen (response_id, campaign_id, submitted_on)
        SELECT gen_random_uuid(),
            CAST('a0000000-0000-4000-8000-' || lpad(s::text, 12, '0') AS uuid),
            (now() - s * interval '21 days')::date + 2
        FROM bench_inv WHERE r BETWEEN 0.01 AND 0.25;
        """,
    ),
]


def parameters(people: int, orgs: int, topics: list[str]) -> dict[str, Any]:
    classification = load_classification()
    munis = classification.municipalities
    import json

    return {
        "people": people,
        "orgs": orgs,
        "types": list(ORGANISATION_TYPES),
        "type_words": json.dumps(TYPE_WORDS),
        "munis": [m.code for m in munis],
        "muni_regions": [m.region_code for m in munis],
        "muni_names": [m.name("fi") for m in munis],
        "firsts": FIRST_NAMES,
        "lasts": LAST_NAMES,
        "topics": topics,
        "tags": TAGS,
        "ntags": len(TAGS),
    }


# Foreign keys are checked row by row; dropped for the fill and added back after it (one
# validating join each), the schema ends as the migrations left it.
FOREIGN_KEYS = """
    SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
    FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace
"""


async def fill(conn: AsyncConnection, *, people: int, orgs: int) -> None:
    """Runs every step in `conn` (autocommit), printing how long each took."""
    keys = (await conn.execute(text(FOREIGN_KEYS))).all()
    for table, name, _ in keys:
        await conn.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"'))
    await _steps(conn, people=people, orgs=orgs)
    started = time.monotonic()
    for table, name, definition in keys:
        await conn.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'))
    print(f"  foreign keys checked: {time.monotonic() - started:.0f} s", flush=True)


async def _steps(conn: AsyncConnection, *, people: int, orgs: int) -> None:
    topics = list((await conn.execute(text("SELECT key FROM topics ORDER BY position"))).scalars())
    values = parameters(people, orgs, topics)
    await conn.execute(text("SET maintenance_work_mem = '512MB'"))
    await conn.execute(text("SET work_mem = '256MB'"))
    await conn.execute(text("SELECT setseed(:s)"), {"s": SEED})
    for name, sql in STEPS:
        started = time.monotonic()
        for statement in (s.strip() for s in sql.split(";")):
            if not statement or (statement.startswith("--") and "\n" not in statement):
                continue
            used = {k: v for k, v in values.items() if f":{k}" in statement}
            await conn.execute(text(statement), used)
        print(f"  {name}: {time.monotonic() - started:.0f} s", flush=True)
    for table in ("bench_p", "bench_o", "bench_muni", "bench_staff", "bench_inv"):
        await conn.execute(text(f"DROP TABLE {table}"))
