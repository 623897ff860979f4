"""Events service: events and series (Digitaitoviikko, webinars, workshops, learning circles),
registrations with waiting lists, and the public calendar. One package per feature
(`catalog`: events and series; `calendar`: the public calendar, event pages, iCalendar;
`registration`: sign-up, capacity, waiting list, cancel link, mails), each with the same role
files (domain, service, repository, routes, pages, schemas).

Pieces several features use live at this root: `tables.py` (every table, one metadata),
`unit_of_work.py`, `errors.py`, `audit.py`, `pages.py` (the Jinja pages and language
negotiation), `replica.py` (the local replica of contacts' people), `places.py` (regions and
municipalities by name), plus `app.py`, `worker.py`, `main.py`, `cli.py`, `settings.py` and
`deps.py`.
"""

SOURCE = "/digituki/events"  # the CloudEvents source of every event this service publishes
