"""Newsletter' domain: plain Python, no framework."""
