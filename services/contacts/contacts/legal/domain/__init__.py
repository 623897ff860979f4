"""The legal texts (accessibility, privacy, consent wording): plain Python rules, no framework."""
