"""Mail content: MJML templates compiled once, filled per recipient; MIME messages."""
