"""The legal texts (accessibility, privacy, consent wording): HTML pages."""
