"""Surveys service: one package per feature (builder, campaigns, invitations, responding,
open_link, results, exports, erasure, retention, mail_status), each with the same role files
(domain, service, repository, routes, pages, handlers, schemas).

Pieces several features use live at this root: `tables.py` (every table, one metadata),
`unit_of_work.py`, `errors.py` (domain errors), `audit.py` (staff audit events),
`pages.py` (the Jinja pages and language negotiation), `segments.py` and `replica.py` (the local
replicas of contacts' segments and people), plus `app.py`, `worker.py`, `main.py`, `cli.py`,
`settings.py` and `deps.py`.
"""

SOURCE = "/digituki/surveys"  # the CloudEvents source of every event this service publishes
