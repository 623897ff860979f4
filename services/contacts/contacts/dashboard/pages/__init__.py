"""The staff home: HTML pages."""
