"""Writes of the organisation: branch lines, staff roles, API tokens."""

import datetime

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from frontoffice.common import public_cache
from frontoffice.common.auth import token_is_expired
from sedi import scope
from sedi.catalogue import catalogue_load, kiosk_descriptions_fill
from sedi.models import Branch, BranchLine, Region, Service, ServiceLine, StaffRole


@transaction.atomic
def catalogue_sync() -> int:
    """Bring the lines and catalogues in line with the guideline; idempotent.

    Return the number of rows written (0 when already in line).
    """
    written = catalogue_load(ServiceLine, Service)
    written += kiosk_descriptions_fill(ServiceLine)
    if written:
        # Rows written in bulk send no signal: retire the lines kept, and
        # the hall displays and virtual tickets that name them.
        scope.bump()
        public_cache.bump(*Branch.objects.values_list("pk", flat=True))
    return written


def branch_line_validate(*, branch: Branch, line: ServiceLine) -> None:
    """Raise ValidationError unless ``line`` may be present at ``branch``.

    Poli Specialistici/Fondi Speciali exist only where the branch has them
    (guideline §2.6).
    """
    if line.kind == ServiceLine.Kind.SPECIALIST and not branch.has_specialist_hubs:
        raise ValidationError(
            {
                "line": _(
                    "La linea Poli Specialistici/Fondi Speciali è prevista solo "
                    "nelle sedi dove i poli sono presenti."
                )
            }
        )


@transaction.atomic
def branch_line_open(
    *,
    branch: Branch,
    line: ServiceLine,
    opened_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
) -> BranchLine:
    """Make ``line`` present at ``branch`` from ``opened_on`` to ``closes_on``.

    Poli Specialistici/Fondi Speciali exist only where the branch has them
    (guideline §2.6); an existing line gets its period replaced, which is how
    the overpayments line (§2.5) is reopened for a new peak period.
    """
    branch_line_validate(branch=branch, line=line)
    branch_line = BranchLine.objects.select_for_update().filter(
        branch=branch, line=line
    ).first() or BranchLine(branch=branch, line=line)
    branch_line.opened_on = opened_on
    branch_line.closes_on = closes_on
    branch_line.full_clean()
    branch_line.save()
    return branch_line


@transaction.atomic
def branch_line_close(
    *, branch: Branch, line: ServiceLine, closes_on: datetime.date
) -> BranchLine:
    """End the presence of ``line`` at ``branch`` after ``closes_on``."""
    branch_line = BranchLine.objects.select_for_update().get(branch=branch, line=line)
    branch_line.closes_on = closes_on
    branch_line.full_clean()
    branch_line.save(update_fields=["closes_on", "updated_at"])
    return branch_line


REGION_ROLES = frozenset({StaffRole.Role.CONTACT_CENTRE, StaffRole.Role.REGIONAL})


def staff_role_assign(
    *,
    user: User,
    role: str,
    branch: Branch | None = None,
    region: Region | None = None,
) -> StaffRole:
    """Give ``user`` the ``role`` at ``branch`` or over ``region``; idempotent.

    The contact centre and the regional office work for every branch of the
    region, so their roles are region-wide; the others belong to a branch.
    """
    if (branch is None) == (region is None):
        raise ValidationError(_("Indicare una sede oppure una regione."))
    if role in REGION_ROLES and region is None:
        raise ValidationError({"region": _("Questo ruolo vale per la regione.")})
    if role not in REGION_ROLES and branch is None:
        raise ValidationError({"branch": _("Questo ruolo vale per una sede.")})
    held = StaffRole.objects.filter(user=user, role=role, branch=branch, region=region)
    existing = held.first()
    if existing is not None:
        return existing
    staff_role = StaffRole(user=user, role=role, branch=branch, region=region)
    # Uniqueness is left to the database: a concurrent call may insert the
    # same role between the read above and the insert below.
    staff_role.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            staff_role.save()
    except IntegrityError:
        existing = held.first()
        if existing is None:
            raise
        return existing
    return staff_role


def auth_token_obtain(*, request: HttpRequest, username: str, password: str) -> Token:
    """Return the API token of the user with these credentials.

    Wrong credentials raise one message that does not say which part was
    wrong. ``request`` lets the login limits count failures by address.
    """
    user = authenticate(request=request, username=username, password=password)
    if user is None or not user.is_active:
        raise ValidationError(
            _("Impossibile accedere con le credenziali fornite."),
            code="authorization",
        )
    # A token is a login: the login limits reset their count, and the
    # user's last login is recorded.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    token, _created = Token.objects.get_or_create(user=user)
    if token_is_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


def auth_tokens_revoke(*, user: User) -> int:
    """Delete ``user``'s API token (sign-out); return how many were deleted."""
    deleted, _kinds = Token.objects.filter(user=user).delete()
    return deleted
