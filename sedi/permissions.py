"""Role checks for the API: every endpoint names the roles it serves.

Whether the caller may reach a given branch is decided by
:func:`sedi.selectors.branch_get` (404 outside the caller's branches); the
classes here answer 403 to a caller holding none of the endpoint's roles.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from sedi.models import Branch, StaffRole
from sedi.selectors import HeldRole, roles_held, user_reaches


def held_roles(request: Request) -> list[HeldRole]:
    """Return the caller's roles as ``(role, branch_id, region_id)``, read once."""
    return roles_held(user=request.user)


def holds_role_at(request: Request, *, branch: Branch, roles: Iterable[str]) -> bool:
    """Return whether the caller holds any of ``roles`` at ``branch``."""
    return user_reaches(user=request.user, branch=branch, roles=roles)


def role_required(*roles: str) -> type[BasePermission]:
    """Return a permission class that admits users holding any of ``roles``."""

    class HasRole(BasePermission):
        message = _("Il suo ruolo non consente questa operazione.")
        required: Iterable[str] = roles

        def has_permission(self, request: Request, view: Any) -> bool:
            user = request.user
            if not user.is_authenticated:
                return False
            if user.is_superuser:
                return True
            wanted = set(self.required)
            return any(role in wanted for role, _, _ in held_roles(request))

    HasRole.__name__ = "HasRole_" + "_".join(r.replace("-", "_") for r in roles)
    return HasRole


STAFF_ROLES = tuple(StaffRole.Role.values)
# Every office role: a kiosk (a public machine) only issues tickets and reads
# the display, so it is not one of them.
OFFICE_ROLES = tuple(r for r in STAFF_ROLES if r != StaffRole.Role.KIOSK)
IsStaff = role_required(*OFFICE_ROLES)
