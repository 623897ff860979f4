"""People's staff pages: the table, a person's page and its steps, the form, GDPR steps."""

from fastapi import APIRouter

from contacts.people.labels import MEMBERSHIP_LABELS
from contacts.people.pages import actions, form, gdpr, listing
from contacts.people.pages.listing import PER_PAGE, ListFilters, choices, pager

router = APIRouter()
router.include_router(form.router)  # first: "/new" is not a person's id
router.include_router(listing.router)
router.include_router(actions.router)
router.include_router(gdpr.router)

__all__ = ["MEMBERSHIP_LABELS", "PER_PAGE", "ListFilters", "choices", "pager", "router"]
