"""The audit log: who did what, in the same transaction as the change."""
