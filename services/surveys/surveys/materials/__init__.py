"""The replica of the newsletter's materials, linked from self-assessment results."""
