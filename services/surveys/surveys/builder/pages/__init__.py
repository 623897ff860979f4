"""The builder's staff pages: the editor (forms, CSRF-checked) and the read-only survey pages."""

from fastapi import APIRouter

from surveys.builder.pages import editor, questions, surveys

router = APIRouter()
router.include_router(editor.router)  # before the survey pages: /new is not an id
router.include_router(questions.router)
router.include_router(surveys.router)

__all__ = ["router"]
