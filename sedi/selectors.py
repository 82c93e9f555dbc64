"""Reads of the organisation: lines, branches, roles and who may see what."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from sedi import scope
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


HeldRole = tuple[str, int | None, int | None]


def roles_held(*, user: AnyUser) -> list[HeldRole]:
    """Return the user's roles as ``(role, branch_id, region_id)``.

    Read once per request, and kept between requests (``sedi.scope``):
    roles change seldom, and every request of the hall asks them.
    """
    if not user.is_authenticated:
        return []

    def read() -> list[HeldRole]:
        return list(role_list(user=user).values_list("role", "branch_id", "region_id"))

    return scope.remembered(("roles", user.pk), read)


def user_reaches(
    *, user: AnyUser, branch: Branch, roles: Iterable[str] | None = None
) -> bool:
    """Return whether ``user`` may act on ``branch`` through any of ``roles``.

    The reach of :func:`branch_list` for one branch, decided on the roles
    held: a branch's role reaches it, a region's role every branch of the
    region, a superuser every branch; any role when ``roles`` is None.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    wanted = None if roles is None else set(roles)
    return any(
        (wanted is None or role in wanted)
        and (branch_id == branch.pk or region_id == branch.region_id)
        for role, branch_id, region_id in roles_held(user=user)
    )


def user_has_role(*, user: AnyUser, roles: Iterable[str]) -> bool:
    """Return whether ``user`` holds any of ``roles`` in any scope."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    wanted = set(roles)
    return any(role in wanted for role, _, _ in roles_held(user=user))


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
    if with_lines:
        found = branch_list_with_lines(user=user, roles=roles).filter(code=code).first()
    else:
        # The branch by code is kept between requests (sedi.scope), and the
        # reach decided on the roles held.
        found = scope.remembered(
            ("branch", code),
            lambda: Branch.objects.select_related("region").filter(code=code).first(),
        )
        if found is not None and not user_reaches(user=user, branch=found, roles=roles):
            found = None
    if found is None:
        raise Http404(code)
    return found


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
    return user_reaches(user=user, branch=branch, roles=roles)
