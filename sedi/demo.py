"""Demo organisation of the design: Lazio, three branches, one user per role.

Each later capability adds its own demo data (counters, meeting points,
training plans) from its own app. Every step is idempotent: a second run
changes nothing.
"""

from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.db import models, transaction

from sedi.models import Branch, BranchLine, Region, ServiceLine, StaffRole
from sedi.services import branch_line_open, catalogue_sync, staff_role_assign

DEFAULT_PASSWORD = "sportello66"
Role = StaffRole.Role
M = TypeVar("M", bound=models.Model)

BRANCHES: list[dict[str, Any]] = [
    {
        "code": "roma-centro",
        "name": "Roma Centro",
        "kind": Branch.Kind.PROVINCIAL_DIRECTORATE,
        "province": "RM",
        "patron_day_month": 6,
        "patron_day_day": 29,
        "has_specialist_hubs": True,
        "lines": [
            "assicurato-pensionato",
            "socio-sanitari",
            "sostegno-reddito",
            "soggetto-contribuente",
            "indebiti",
            "poli-specialistici",
        ],
    },
    {
        "code": "roma-eur",
        "name": "Roma EUR",
        "kind": Branch.Kind.COMPLEX_AGENCY,
        "province": "RM",
        "patron_day_month": 6,
        "patron_day_day": 29,
        "has_specialist_hubs": False,
        "lines": [
            "assicurato-pensionato",
            "socio-sanitari",
            "sostegno-reddito",
            "soggetto-contribuente",
        ],
    },
    {
        # Civitavecchia's patron is Santa Fermina, 28 April, not Rome's day.
        "code": "civitavecchia",
        "name": "Civitavecchia",
        "kind": Branch.Kind.TERRITORIAL_AGENCY,
        "province": "RM",
        "patron_day_month": 4,
        "patron_day_day": 28,
        "has_specialist_hubs": False,
        "lines": [
            "assicurato-pensionato",
            "socio-sanitari",
            "sostegno-reddito",
            "soggetto-contribuente",
        ],
    },
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    branch: str | None  # None: the whole region
    is_staff: bool = False


USERS = [
    DemoUser("reception", "Giulia", "Ferri", Role.RECEPTION, "roma-centro"),
    DemoUser("operatore", "Marco", "Rinaldi", Role.OPERATOR, "roma-centro"),
    DemoUser("operatore-nuovo", "Luca", "Santoro", Role.OPERATOR, "roma-centro"),
    DemoUser("sala", "Anna", "Marchetti", Role.FLOOR_SUPERVISOR, "roma-centro", True),
    DemoUser("direttore", "Paolo", "Conti", Role.DIRECTOR, "roma-centro", True),
    DemoUser("consulente", "Chiara", "Leone", Role.CONSULTANT, "roma-centro"),
    DemoUser("kiosk", "Totem", "Roma Centro", Role.KIOSK, "roma-centro"),
    DemoUser("reception-eur", "Sara", "Galli", Role.RECEPTION, "roma-eur"),
    DemoUser("ccm", "Contact", "Center", Role.CONTACT_CENTRE, None),
    DemoUser("regione", "Elena", "Bianchi", Role.REGIONAL, None),
]

# Django admin rights of the floor supervisor and the director on the
# organisation: they open and close lines (e.g. Indebiti at peaks).
SUPERVISOR_GROUP = "Funzionari di sala e direttori"
SUPERVISOR_PERMISSIONS = [
    "view_branch",
    "view_serviceline",
    "view_service",
    "view_branchline",
    "add_branchline",
    "change_branchline",
    "view_staffrole",
]


def supervisor_group_grant(*, app_label: str, codenames: list[str]) -> None:
    """Give the supervisors' admin group these permissions of ``app_label``.

    Each app's demo seed calls it for its own models; idempotent.
    """
    group, _created = Group.objects.get_or_create(name=SUPERVISOR_GROUP)
    wanted = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    missing = set(wanted) - set(group.permissions.all())
    if missing:
        group.permissions.add(*missing)


def _ensure(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """Get or create a row; update only the fields that differ."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.full_clean()
        obj.save(update_fields=[*changed, "updated_at"])
    return obj


@transaction.atomic
def demo_organisation_seed(*, password: str | None = None) -> list[DemoUser]:
    """Create or complete the demo region, branches, users and roles.

    A user's password is set when the user is created, or when ``password``
    is given and differs from the current one.
    """
    catalogue_sync()
    region = _ensure(Region, {"code": "lazio"}, {"name": "Lazio"})
    lines = {line.code: line for line in ServiceLine.objects.all()}
    branches: dict[str, Branch] = {}
    for data in BRANCHES:
        values = {k: v for k, v in data.items() if k not in ("code", "lines")}
        branch = _ensure(Branch, {"code": data["code"]}, {**values, "region": region})
        branches[branch.code] = branch
        present = set(
            BranchLine.objects.filter(branch=branch).values_list(
                "line__code", flat=True
            )
        )
        for code in data["lines"]:
            if code not in present:
                branch_line_open(branch=branch, line=lines[code])

    supervisor_group_grant(app_label="sedi", codenames=SUPERVISOR_PERMISSIONS)
    group = Group.objects.get(name=SUPERVISOR_GROUP)

    user_model = get_user_model()
    for demo in USERS:
        user = user_model.objects.filter(username=demo.username).first()
        if user is None:
            user = user_model(
                username=demo.username,
                first_name=demo.first_name,
                last_name=demo.last_name,
                is_staff=demo.is_staff,
            )
            user.set_password(password or DEFAULT_PASSWORD)
            user.save()
        elif password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        assert isinstance(user, AbstractUser)
        if demo.is_staff and not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
        staff_role_assign(
            user=user,
            role=demo.role,
            branch=branches[demo.branch] if demo.branch else None,
            region=None if demo.branch else region,
        )
    return USERS


def seed(*, password: str | None = None) -> None:
    """Seed this app's demo data (called by ``manage.py seed_demo``)."""
    demo_organisation_seed(password=password)
