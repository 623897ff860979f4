"""The signup's HTML pages: /join with its confirmation link, and a fresh link."""

from fastapi import APIRouter

from contacts.signup.pages import new_link, signup

router = APIRouter()
router.include_router(signup.router)
router.include_router(new_link.router)
