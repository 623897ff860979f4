"""Survey builder: survey definitions, their editing, import and export."""
