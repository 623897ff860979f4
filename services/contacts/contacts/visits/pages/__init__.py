"""Visit requests' HTML pages: the public form, and the staff queue."""

from fastapi import APIRouter

from contacts.visits.pages import public, staff

router = APIRouter()
router.include_router(public.router)
router.include_router(staff.router)
