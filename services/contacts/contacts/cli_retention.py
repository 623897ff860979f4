"""`python -m contacts.main retention [--dry-run]`: the retention job once, from the shell."""

from __future__ import annotations

from contacts.retention.service import run_retention
from shared.retention import retention_command

COMMANDS = retention_command(run_retention)
