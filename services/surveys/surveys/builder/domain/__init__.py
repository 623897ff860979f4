"""Survey definitions: the survey model and its parsing (survey), texts, and the editor's
edits."""
