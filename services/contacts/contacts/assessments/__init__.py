"""Self-assessment results from surveys (`surveys.assessment.v1`) on the person's timeline."""
