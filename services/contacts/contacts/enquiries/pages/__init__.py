"""Enquiries' HTML pages: the public contact form, and the staff queue."""

from fastapi import APIRouter

from contacts.enquiries.pages import public, staff

router = APIRouter()
router.include_router(public.router)
router.include_router(staff.router)
