"""Staff pages for organisations: the table, one organisation, and the editor (new, edit,
archive). The forms' routes come first: "/new" is not an organisation id."""

from fastapi import APIRouter

from contacts.organisations.pages import forms, lists

router = APIRouter()
router.include_router(forms.router)
router.include_router(lists.router)
