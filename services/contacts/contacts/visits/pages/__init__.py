"""Visit requests (Kutsu meidät kylään!): HTML pages."""
