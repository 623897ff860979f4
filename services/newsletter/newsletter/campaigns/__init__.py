"""Campaigns: their content, audience, life cycle and the staff pages and API that run them."""
