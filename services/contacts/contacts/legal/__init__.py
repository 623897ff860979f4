"""The legal texts (accessibility, privacy, consent wording): editing and public pages."""
