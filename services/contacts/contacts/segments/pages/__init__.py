"""Staff pages for segments: the list, the builder with its live count, a segment's page."""

from contacts.segments.pages.views import router

__all__ = ["router"]
