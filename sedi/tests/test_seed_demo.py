import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from sedi.demo import DEFAULT_PASSWORD, SUPERVISOR_GROUP
from sedi.models import Branch, BranchLine, Region, StaffRole

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
FIRST_RUN = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ROME)
SECOND_RUN = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=ROME)
User = get_user_model()


def _seed(*args: str) -> None:
    call_command("seed_demo", *args, verbosity=0)


def _snapshot() -> dict:
    snapshot: dict = {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at"))
        for model in (Region, Branch, BranchLine, StaffRole)
    }
    snapshot["User"] = sorted(
        User.objects.values_list(
            "pk", "username", "password", "is_staff", "is_superuser", "is_active"
        )
    )
    snapshot["groups"] = sorted(
        User.objects.filter(groups__isnull=False).values_list(
            "username", "groups__name"
        )
    )
    snapshot["group_permissions"] = sorted(
        Group.objects.values_list("name", "permissions__codename")
    )
    return snapshot


def test_seed_demo_twice_changes_nothing():
    with time_machine.travel(FIRST_RUN, tick=False):
        _seed()
    before = _snapshot()

    with time_machine.travel(SECOND_RUN, tick=False):
        _seed()

    assert _snapshot() == before
    assert (
        Region.objects.count(),
        Branch.objects.count(),
        BranchLine.objects.count(),
        StaffRole.objects.count(),
        User.objects.count(),
    ) == (1, 3, 14, 10, 10)


def test_seed_demo_twice_with_the_same_password_changes_nothing():
    with time_machine.travel(FIRST_RUN, tick=False):
        _seed("--password", "altra-parola-77")
    before = _snapshot()

    with time_machine.travel(SECOND_RUN, tick=False):
        _seed("--password", "altra-parola-77")

    assert _snapshot() == before


def test_seed_demo_creates_one_user_per_role_with_its_scope():
    _seed()

    roles = sorted(
        (
            role.user.username,
            role.role,
            role.branch.code if role.branch else None,
            role.region.code if role.region else None,
        )
        for role in StaffRole.objects.select_related("user", "branch", "region")
    )
    assert roles == [
        ("ccm", "contact-centre", None, "lazio"),
        ("consulente", "consultant", "roma-centro", None),
        ("direttore", "director", "roma-centro", None),
        ("kiosk", "kiosk", "roma-centro", None),
        ("operatore", "operator", "roma-centro", None),
        ("operatore-nuovo", "operator", "roma-centro", None),
        ("reception", "reception", "roma-centro", None),
        ("reception-eur", "reception", "roma-eur", None),
        ("regione", "regional", None, "lazio"),
        ("sala", "floor-supervisor", "roma-centro", None),
    ]


def test_seed_demo_gives_supervisor_and_director_the_admin():
    _seed()

    assert sorted(
        User.objects.filter(is_staff=True).values_list("username", flat=True)
    ) == [
        "direttore",
        "sala",
    ]
    assert sorted(
        Group.objects.get(name=SUPERVISOR_GROUP).user_set.values_list(
            "username", flat=True
        )
    ) == ["direttore", "sala"]
    assert not User.objects.filter(is_superuser=True).exists()


def test_seed_demo_creates_the_lazio_branches_with_their_lines():
    _seed()

    lines = {
        branch.code: [bl.line.code for bl in branch.branch_lines.select_related("line")]
        for branch in Branch.objects.all()
    }
    assert lines == {
        "roma-centro": [
            "assicurato-pensionato",
            "socio-sanitari",
            "sostegno-reddito",
            "soggetto-contribuente",
            "indebiti",
            "poli-specialistici",
        ],
        "roma-eur": [
            "assicurato-pensionato",
            "socio-sanitari",
            "sostegno-reddito",
            "soggetto-contribuente",
        ],
        "civitavecchia": [
            "assicurato-pensionato",
            "socio-sanitari",
            "sostegno-reddito",
            "soggetto-contribuente",
        ],
    }
    assert set(Branch.objects.values_list("region__code", flat=True)) == {"lazio"}


def test_seed_demo_sets_the_kind_of_each_branch():
    _seed()

    branches = {branch.code: branch for branch in Branch.objects.all()}
    assert {
        code: (b.kind, b.has_specialist_hubs, b.has_consultation)
        for code, b in branches.items()
    } == {
        "roma-centro": ("direzione-provinciale", True, True),
        "roma-eur": ("agenzia-complessa", False, True),
        "civitavecchia": ("agenzia-territoriale", False, False),
    }


def test_seed_demo_users_log_in_with_the_default_password(client):
    _seed()

    assert client.login(username="reception", password=DEFAULT_PASSWORD) is True


def test_seed_demo_password_option_sets_the_users_password(client):
    _seed("--password", "altra-parola-77")

    assert client.login(username="reception", password="altra-parola-77") is True
    assert client.login(username="regione", password="altra-parola-77") is True
    assert client.login(username="reception", password=DEFAULT_PASSWORD) is False


def test_seed_demo_password_option_changes_existing_users_password(client):
    _seed()

    _seed("--password", "altra-parola-77")

    assert client.login(username="operatore", password="altra-parola-77") is True
    assert client.login(username="operatore", password=DEFAULT_PASSWORD) is False


def test_seed_demo_without_password_keeps_a_password_set_before(client):
    _seed("--password", "altra-parola-77")

    _seed()

    assert client.login(username="kiosk", password="altra-parola-77") is True
