"""Transactional mail requested by other services (mail.requested.v1) becomes delivery rows."""
