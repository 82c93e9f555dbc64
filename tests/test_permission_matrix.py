"""The permission matrix, generated from the URL configuration.

Every endpoint and page declares who may use it (``frontoffice.common.access``).
For each one, each HTTP method it declares, and each caller — anonymous and
one demo account per role —, the answer must match the declaration:

- a caller the rule admits is never refused (no 401, no 403);
- a signed-in caller it does not admit is refused (403, or 404 where the
  branch or object is not theirs to know);
- an anonymous caller of a rule that needs sign-in gets 401 (API) or the
  login page (pages);
- a branch-scoped caller asking for another branch gets 403 or 404;
- nobody ever gets a 5xx.

A new endpoint without a declaration fails ``test_every_endpoint_declares``.
"""

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from consulenza.models import Appointment
from consulenza.tests.factories import EscalationFactory
from formazione.models import Enrollment, Qualification, TrainingPlan
from frontoffice.common.access import PUBLIC, SIGNED_IN, access_of
from reception.services import protocol_register
from sala.services import counter_clone
from sedi import calendar
from sedi.models import Branch, StaffRole
from sportelli.models import Counter
from sportelli.tests.factories import TicketFactory
from tests.e2e.test_counters import next_open_morning

pytestmark = pytest.mark.django_db
PASSWORD = "prova-matrice-66"
# Django's own views, not ours to declare.
EXEMPT = {
    "i18n/setlang/": "Django's language switch, public by design",
}
# One demo account per role (DESIGN.md's demo users).
ACCOUNTS = {
    StaffRole.Role.RECEPTION: "reception",
    StaffRole.Role.OPERATOR: "operatore",
    StaffRole.Role.FLOOR_SUPERVISOR: "sala",
    StaffRole.Role.DIRECTOR: "direttore",
    StaffRole.Role.CONSULTANT: "consulente",
    StaffRole.Role.KIOSK: "kiosk",
    StaffRole.Role.CONTACT_CENTRE: "ccm",
    StaffRole.Role.REGIONAL: "regione",
}
REGION_WIDE = {StaffRole.Role.CONTACT_CENTRE, StaffRole.Role.REGIONAL}
# The action of a view that takes one in its path, and line overrides.
ACTIONS = {
    "desk_action": "pausa",
    "plan_action": "invia",
    "region_plan_action": "approva",
    "rota_action": "revoca",
    "action": "pausa",
}
LINES = {"PeakLineOpenApi": "indebiti", "PeakLineCloseApi": "indebiti"}


def _endpoints() -> Iterator[tuple[str, Any]]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, Any]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith("admin/"):
                    continue  # the Django admin has its own permissions
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route, pattern.callback

    yield from walk(get_resolver().url_patterns, "")


ENDPOINTS = [(route, cb) for route, cb in _endpoints() if route not in EXEMPT]


def _name(callback: Any) -> str:
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return (view or callback).__name__


def test_every_endpoint_declares_who_may_use_it():
    missing = [route for route, callback in ENDPOINTS if access_of(callback) is None]

    assert missing == []


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    """The demo at a working morning, with one object of every kind."""
    morning = next_open_morning()
    with time_machine.travel(morning, tick=True):
        call_command("seed_demo", "--password", PASSWORD, verbosity=0)
        users = {u.username: u for u in get_user_model().objects.all()}
        centre = Branch.objects.get(code="roma-centro")
        counter = Counter.objects.filter(branch=centre).order_by("number").first()
        ticket = TicketFactory.create(branch=centre)
        entry = protocol_register(
            branch=centre,
            kind="reclamo",
            subject="Attesa",
            registered_by=users["reception"],
        )
        plan = TrainingPlan.objects.filter(branch=centre, state="submitted").first()
        enrollment = Enrollment.objects.filter(course__plan=plan).first()
        clone_counter = Counter.objects.filter(branch=centre).order_by("-number")[0]
        clone = counter_clone(
            actor=users["sala"],
            branch=centre,
            counter=clone_counter,
            line_code="socio-sanitari",
            operator=users["operatore"],
            ends_at=datetime.datetime.combine(
                morning.date(), datetime.time(12, 0), calendar.ROME
            ),
            reason="Picco",
        )
        appointment = Appointment.objects.filter(meeting_point__branch=centre).first()
        qualification = Qualification.objects.filter(
            operator=users["operatore"]
        ).first()
        assert counter is not None
        assert plan is not None
        assert enrollment is not None
        assert appointment is not None
        assert qualification is not None
        yield {
            "users": users,
            "params": {
                "branch": "roma-centro",
                "counter_id": counter.pk,
                "ticket_id": ticket.pk,
                "public_code": ticket.public_code,
                "entry_id": entry.pk,
                "appointment_id": appointment.pk,
                "escalation_id": EscalationFactory.create(branch=centre).pk,
                "plan_id": plan.pk,
                "course_id": enrollment.course_id,
                "enrollment_id": enrollment.pk,
                "qualification_id": qualification.pk,
                "clone_id": clone.pk,
                "line": "socio-sanitari",
            },
        }


def _url(route: str, callback: Any, params: dict[str, Any], branch: str) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name == "branch":
            return branch
        if name == "action":
            return ACTIONS[_name(callback)]
        if name == "line":
            return LINES.get(_name(callback), params["line"])
        return str(params[name])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def _call(client: Client, method: str, url: str) -> int:
    user = getattr(client, "matrix_user", None)
    with transaction.atomic():
        response = getattr(client, method.lower())(url)
        transaction.set_rollback(True)
    if user is not None:
        # Signing out (uscita/) ends the session: sign in again.
        client.force_login(user)
    return response.status_code


def _methods(declared: dict[str, Any]) -> dict[str, Any]:
    if "ALL" in declared:
        return {
            "GET": declared["ALL"],
            **{k: v for k, v in declared.items() if k != "ALL"},
        }
    return declared


def _admits(rule: Any, role: str | None) -> bool:
    if rule == PUBLIC:
        return True
    if rule == SIGNED_IN:
        return role is not None
    return role in rule


@pytest.mark.parametrize("role", [None, *ACCOUNTS], ids=lambda r: r or "anonymous")
def test_every_endpoint_answers_each_role_as_declared(world, role):
    client = Client()
    wrong = []
    with time_machine.travel(next_open_morning(), tick=True):
        # Signed in at the morning itself: sessions last a working day.
        if role is not None:
            client.matrix_user = world["users"][ACCOUNTS[role]]  # type: ignore[attr-defined]
            client.force_login(client.matrix_user)  # type: ignore[attr-defined]
        for route, callback in ENDPOINTS:
            for method, rule in _methods(access_of(callback) or {}).items():
                url = _url(route, callback, world["params"], "roma-centro")
                status = _call(client, method, url)
                admitted = _admits(rule, role)
                api = route.startswith("api/")
                if status >= 500:
                    ok = False
                elif admitted:
                    ok = status not in (401, 403)
                elif role is None:
                    ok = status == 401 if api else status in (302, 401, 403)
                else:
                    ok = status in (403, 404)
                if (
                    ok
                    and admitted
                    and role not in REGION_WIDE
                    and role
                    and ("<slug:branch>" in route)
                    and rule not in (PUBLIC, SIGNED_IN)
                ):
                    other = _url(route, callback, world["params"], "roma-eur")
                    status = _call(client, method, other)
                    ok = status in (403, 404)
                if not ok:
                    wrong.append(f"{method} {url} → {status} ({rule})")
    assert wrong == []
