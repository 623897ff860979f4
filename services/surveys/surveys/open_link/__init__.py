"""Open link: anyone with a campaign's public link answering anonymously."""
