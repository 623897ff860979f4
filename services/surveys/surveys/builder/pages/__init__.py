"""The builder's staff pages."""

from surveys.builder.pages.editor import router

__all__ = ["router"]
