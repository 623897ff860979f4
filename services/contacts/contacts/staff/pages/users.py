"""Staff users (Admin only): the list, invitations, roles, deactivation; page and API."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from contacts.deps import Settings, Uow, actor_of
from contacts.errors import DomainError
from contacts.rendering import pages, staff_language
from contacts.staff.domain import ROLES
from contacts.staff.pages.password_reset import reset_url
from contacts.staff.service import users as staff_users
from shared.web.staff import Admin, Staff

router = APIRouter(prefix="/staff/users", include_in_schema=False)


async def _page(
    request: Request,
    uow: Uow,
    staff: Staff,
    *,
    error: DomainError | None = None,
    invited: str = "",
    form: dict[str, str] | None = None,
) -> Response:
    request.state.staff = staff
    return pages.render(
        request,
        "staff_users.html",
        {
            "members": await staff_users.list_staff(uow),
            "roles": ROLES,
            "me": staff.id,
            "error": error,
            "invited": invited,
            "form": form or {"email": "", "name": "", "role": "editor"},
        },
        lang=staff_language(request),
        status_code=422 if error else 200,
    )


@router.get("")
async def users_page(request: Request, uow: Uow, staff: Admin, invited: str = "") -> Response:
    return await _page(request, uow, staff, invited=invited[:254])


@router.post("")
async def invite_from_page(
    request: Request,
    uow: Uow,
    settings: Settings,
    staff: Admin,
    email: Annotated[str, Form(max_length=254)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=20)] = "editor",
) -> Response:
    try:
        member = await staff_users.invite(
            uow,
            email=email,
            name=name,
            role=role,
            actor=actor_of(staff),
            language=staff_language(request),
            reset_url=lambda token: reset_url(settings, token),
            keys=settings.token_keys(),
        )
    except DomainError as error:
        form = {"email": email, "name": name, "role": role}
        return await _page(request, uow, staff, error=error, form=form)
    return RedirectResponse(f"/staff/users?invited={member.email}", status_code=303)


@router.post("/{staff_id}")
async def change_from_page(
    request: Request,
    staff_id: uuid.UUID,
    uow: Uow,
    staff: Admin,
    role: Annotated[str, Form(max_length=20)] = "",
    active: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    try:
        await staff_users.change_access(
            uow,
            staff_id,
            role=role or None,
            active={"yes": True, "no": False}.get(active),
            actor=actor_of(staff),
        )
    except DomainError as error:
        return await _page(request, uow, staff, error=error)
    return RedirectResponse("/staff/users", status_code=303)
