"""Inbound bounces (RFC 3464 DSNs) mark their delivery bounced and suppress the address."""
