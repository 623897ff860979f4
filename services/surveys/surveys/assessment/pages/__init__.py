"""Self-assessment pages: the respondents' (public) and the staff's."""

from fastapi import APIRouter

from surveys.assessment.pages import respondent, staff

router = APIRouter()
router.include_router(respondent.router)
router.include_router(staff.router)

__all__ = ["router"]
