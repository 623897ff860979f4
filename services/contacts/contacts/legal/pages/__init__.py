"""The legal texts' HTML pages: the public ones, and the editor (Admin)."""

from fastapi import APIRouter

from contacts.legal.pages import public, staff

router = APIRouter()
router.include_router(staff.router)
router.include_router(public.router)
