"""Onboarding's HTML pages: moderation of join requests, the people in each state, and who is
in the group."""

from fastapi import APIRouter

from contacts.onboarding.pages import group, lists, moderation

router = APIRouter()
router.include_router(moderation.router)
router.include_router(lists.router)
router.include_router(group.router)
