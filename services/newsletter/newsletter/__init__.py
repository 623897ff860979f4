"""The newsletter service: one package per feature (campaigns, composer, delivery, requests,
tracking, bounces, archive, media, erasure, retention, statistics), each with the same role
files (domain, service, repository, routes, pages, handlers, schemas).

Pieces several features use live at the root: `mail/` (MJML templates and the wire form of a
mail: delivery, requests, archive), `suppression/` (the suppression list), `errors.py` (the
domain errors), `rendering.py` (the page renderer), `tables.py`, `unit_of_work.py`, `deps.py`.
"""
