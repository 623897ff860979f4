"""The self-assessment test: a scored survey type with competence areas, feedback per score
band, personal result pages and mails, retakes, and aggregates of groups of five or more."""
