"""Onboarding's HTML pages: moderation of join requests, and who is in the group."""

from fastapi import APIRouter

from contacts.onboarding.pages import group, moderation

router = APIRouter()
router.include_router(moderation.router)
router.include_router(group.router)
