"""Role checks for the API: every endpoint names the roles it serves.

Whether the caller may reach a given branch is decided by
:func:`sedi.selectors.branch_get` (404 outside the caller's branches); the
classes here answer 403 to a caller holding none of the endpoint's roles.
"""

from collections.abc import Iterable
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from sedi import scope
from sedi.models import Branch, StaffRole
from sedi.selectors import role_list

HeldRole = tuple[str, int | None, int | None]


def held_roles(request: Request) -> list[HeldRole]:
    """Return the caller's roles as ``(role, branch_id, region_id)``, read once.

    Kept on the request: the permission check and the view that needs to
    know in which capacity the caller acts share one read.
    """
    held: list[HeldRole] | None = getattr(request, "_held_roles", None)
    if held is None:
        user = request.user

        def read() -> list[HeldRole]:
            return list(
                role_list(user=user).values_list("role", "branch_id", "region_id")
            )

        # Kept between requests too (sedi.scope): roles change seldom.
        held = (
            scope.remembered(("roles", user.pk), read) if user.is_authenticated else []
        )
        request._held_roles = held  # type: ignore[attr-defined]
    return held


def holds_role_at(request: Request, *, branch: Branch, roles: Iterable[str]) -> bool:
    """Return whether the caller holds any of ``roles`` at ``branch``."""
    if request.user.is_superuser:
        return True
    wanted = set(roles)
    return any(
        role in wanted and (branch_id == branch.pk or region_id == branch.region_id)
        for role, branch_id, region_id in held_roles(request)
    )


def branch_for(
    request: Request, *, code: str, roles: Iterable[str] | None = None
) -> Branch:
    """Return the branch ``code`` if the caller holds one of ``roles`` there.

    The same reach as :func:`sedi.selectors.branch_get` (any role when
    ``roles`` is None; a region's role reaches its branches; 404 outside,
    so that another branch's existence is not disclosed), decided on the
    roles the permission check already read, with the branch read by code
    between requests (``sedi.scope``).
    """
    branch = scope.remembered(
        ("branch", code),
        lambda: Branch.objects.select_related("region").filter(code=code).first(),
    )
    if branch is None or not request.user.is_authenticated:
        raise Http404(code)
    wanted = STAFF_ROLES if roles is None else roles
    if not holds_role_at(request, branch=branch, roles=wanted):
        raise Http404(code)
    return branch


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
