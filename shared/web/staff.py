"""The signed-in staff member, as the proxy vouches for it.

nginx asks contacts' /auth/verify on every staff path, strips any X-Staff-* header a client
sent and forwards its own; the web processes listen on 127.0.0.1 only, so these headers can
only have come from the proxy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Header, HTTPException, status

Role = Literal["viewer", "editor", "admin"]
RANKS: dict[str, int] = {"viewer": 1, "editor": 2, "admin": 3}


@dataclass(frozen=True)
class Staff:
    id: str
    role: Role
    email: str = ""

    def may(self, role: Role) -> bool:
        return RANKS[self.role] >= RANKS[role]


def current_staff(
    x_staff_id: Annotated[str | None, Header()] = None,
    x_staff_role: Annotated[str | None, Header()] = None,
    x_staff_email: Annotated[str | None, Header()] = None,
) -> Staff:
    if not x_staff_id or x_staff_role not in RANKS:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign-in required")
    return Staff(id=x_staff_id, role=x_staff_role, email=x_staff_email or "")  # type: ignore[arg-type]


def require(role: Role) -> object:
    """A dependency that lets through staff of `role` or above."""

    def check(staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
        if not staff.may(role):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this needs the {role} role")
        return staff

    return Depends(check)


Viewer = Annotated[Staff, require("viewer")]
Editor = Annotated[Staff, require("editor")]
Admin = Annotated[Staff, require("admin")]
