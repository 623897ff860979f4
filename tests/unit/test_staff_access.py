"""Access changes never lock the installation out."""

from __future__ import annotations

import pytest
from contacts.errors import Conflict, InvalidInput
from contacts.staff.domain import StaffMember, check_access_change


def member(email: str, role: str) -> StaffMember:
    return StaffMember.new(email=email, name="", role=role, password_hash="x")


def test_an_admin_may_demote_another_admin_while_one_remains() -> None:
    a, b = member("a@x.fi", "admin"), member("b@x.fi", "admin")
    check_access_change([a, b], b.with_access(role="editor"), by=str(a.id))


def test_the_last_active_admin_cannot_be_demoted_or_deactivated() -> None:
    a, b = member("a@x.fi", "admin"), member("b@x.fi", "admin").with_access(active=False)
    with pytest.raises(Conflict):
        check_access_change([a, b], a.with_access(role="viewer"), by="cli")
    with pytest.raises(Conflict):
        check_access_change([a, b], a.with_access(active=False), by="cli")


def test_nobody_removes_their_own_admin_rights_or_account() -> None:
    a, b = member("a@x.fi", "admin"), member("b@x.fi", "admin")
    with pytest.raises(InvalidInput):
        check_access_change([a, b], a.with_access(role="editor"), by=str(a.id))
    with pytest.raises(InvalidInput):
        check_access_change([a, b], a.with_access(active=False), by=str(a.id))


def test_unknown_roles_are_refused() -> None:
    with pytest.raises(InvalidInput):
        member("a@x.fi", "admin").with_access(role="owner")


def test_the_highest_role_of_the_provider_groups_wins_and_unmapped_groups_give_none() -> None:
    from contacts.staff.domain import role_from_groups

    mapping = {"crm-admins": "admin", "crm-editors": "editor", "crm-readers": "viewer"}
    assert role_from_groups(["finance", "crm-editors", "crm-admins"], mapping) == "admin"
    assert role_from_groups(["crm-readers", "crm-editors"], mapping) == "editor"
    assert role_from_groups(["crm-readers"], mapping) == "viewer"
    assert role_from_groups(["finance", "CRM-ADMINS"], mapping) is None  # exact names only
    assert role_from_groups([], mapping) is None
