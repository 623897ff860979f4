"""Contacts: people, organisations and the network, one folder per feature.

Shared by several features and not a feature itself: `snapshots.py` (a person's snapshot and
activity events), `classification.py` with `data/` (regions and municipalities),
`rendering.py` (page renderer, language choice), `public.py` (what public forms share),
`errors.py`, `demo_data.py`. The layout is described in docs/architecture.md.
"""
