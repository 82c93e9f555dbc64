"""Reads of the organisation: lines, branches, roles and who may see what."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from sedi.models import Branch, BranchLine, Service, ServiceLine, StaffRole

Role = StaffRole.Role
AnyUser = User | AnonymousUser


def line_list() -> QuerySet[ServiceLine]:
    """Return every counter line with its catalogue prefetched, in guideline order."""
    return ServiceLine.objects.prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("position"))
    )


def role_list(*, user: AnyUser) -> QuerySet[StaffRole]:
    """Return the roles held by ``user``, with their scopes."""
    if not user.is_authenticated:
        return StaffRole.objects.none()
    return StaffRole.objects.filter(user=user).select_related("branch", "region")


def user_has_role(*, user: AnyUser, roles: Iterable[str]) -> bool:
    """Return whether ``user`` holds any of ``roles`` in any scope."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return role_list(user=user).filter(role__in=list(roles)).exists()


def branch_list(
    *, user: AnyUser, roles: Iterable[str] | None = None
) -> QuerySet[Branch]:
    """Return the branches ``user`` may act on, through any of ``roles``.

    A branch-scoped role reaches its branch; a region-scoped role reaches
    every branch of the region. Superusers reach every branch. With
    ``roles`` None any role counts.
    """
    branches = Branch.objects.select_related("region")
    if not user.is_authenticated:
        return branches.none()
    if user.is_superuser:
        return branches
    held = StaffRole.objects.filter(user=user)
    if roles is not None:
        held = held.filter(role__in=list(roles))
    return branches.filter(
        Q(pk__in=held.filter(branch__isnull=False).values("branch"))
        | Q(region__in=held.filter(region__isnull=False).values("region"))
    )


def branch_get(
    *,
    user: AnyUser,
    code: str,
    roles: Iterable[str] | None = None,
    with_lines: bool = False,
) -> Branch:
    """Return the branch ``code`` if ``user`` may act on it, else raise Http404.

    Another branch's objects answer 404, not 403: their existence is not
    disclosed.
    """
    branches = (
        branch_list_with_lines(user=user, roles=roles)
        if with_lines
        else branch_list(user=user, roles=roles)
    )
    branch = branches.filter(code=code).first()
    if branch is None:
        raise Http404(code)
    return branch


def branch_lines_open(*, branch: Branch, on: datetime.date) -> list[BranchLine]:
    """Return the branch's lines present on ``on``, in guideline order."""
    return [
        branch_line
        for branch_line in BranchLine.objects.filter(branch=branch).select_related(
            "line"
        )
        if branch_line.is_open_on(on)
    ]


def branch_line_list(*, branch: Branch) -> list[BranchLine]:
    """Return every line the branch has or had, with its period."""
    return list(
        BranchLine.objects.filter(branch=branch)
        .select_related("line")
        .order_by("line__position")
    )


def branch_list_with_lines(
    *, user: AnyUser, roles: Iterable[str] | None = None
) -> QuerySet[Branch]:
    """Return :func:`branch_list` with the branch lines prefetched."""
    return branch_list(user=user, roles=roles).prefetch_related(
        Prefetch(
            "branch_lines",
            queryset=BranchLine.objects.select_related("line").order_by(
                "line__position"
            ),
        )
    )


def staff_list(*, branch: Branch, role: str) -> QuerySet[User]:
    """Return the active users holding ``role`` at ``branch``, by name."""
    return (
        User.objects.filter(
            is_active=True, staff_roles__branch=branch, staff_roles__role=role
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def region_staff_emails(*, region_id: int, role: str) -> list[str]:
    """Return the e-mail addresses of the active region-wide ``role`` holders."""
    return list(
        User.objects.filter(
            is_active=True, staff_roles__region_id=region_id, staff_roles__role=role
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
        .order_by("email")
    )


def user_has_role_at(*, user: AnyUser, branch: Branch, roles: Iterable[str]) -> bool:
    """Return whether ``user`` holds any of ``roles`` at ``branch``."""
    return branch_list(user=user, roles=roles).filter(pk=branch.pk).exists()
