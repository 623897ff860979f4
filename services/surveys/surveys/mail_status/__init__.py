"""Mail status: invitation mails delivered, bounced or complained of."""
