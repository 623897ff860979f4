"""The suppression list: HMACs of addresses never to mail again (delivery, bounces, requests
and campaigns' audiences consult or extend it; not a feature of its own)."""
