"""Staff HTML pages: sign-in (password and OIDC), password reset, staff users."""

from fastapi import APIRouter

from contacts.staff.pages import oidc, password_reset, sign_in, users

router = APIRouter()
router.include_router(sign_in.router)
router.include_router(oidc.router)
router.include_router(users.router)
router.include_router(password_reset.router)
