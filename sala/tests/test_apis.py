import datetime

import pytest
from django.urls import reverse

from sala.models import CounterClone, SupervisorAction
from sala.tests.conftest import MORNING, ROME, Role, staff
from sedi.models import BranchLine, ServiceLine
from sportelli.models import Shift
from sportelli.tests.factories import ShiftFactory, TicketFactory

pytestmark = pytest.mark.django_db

LINE_KEYS = {
    "line",
    "waiting",
    "longest_wait_minutes",
    "estimated_wait_minutes",
    "estimated_wait_min_minutes",
    "estimated_wait_max_minutes",
    "open_counters",
    "counters_needed",
    "served_today",
    "mean_wait_minutes",
}


def dashboard_url(code="roma-centro"):
    return reverse("sala:dashboard", kwargs={"branch": code})


@pytest.fixture
def hall(branch, counters, operator, morning):
    ShiftFactory.create(counter=counters[0], operator=operator)
    TicketFactory.create(
        branch=branch, issued_at=MORNING - datetime.timedelta(minutes=5)
    )
    return branch


@pytest.mark.parametrize("who", ["supervisor", "director", "regional"])
def test_the_hall_staff_and_the_region_read_the_dashboard(
    api_client, hall, who, request
):
    api_client.force_authenticate(request.getfixturevalue(who))

    response = api_client.get(dashboard_url())

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"lines", "counters", "alerts"}
    assert [row["line"] for row in body["lines"]] == [
        "assicurato-pensionato",
        "socio-sanitari",
        "sostegno-reddito",
        "soggetto-contribuente",
    ]
    assert all(set(row) == LINE_KEYS for row in body["lines"])
    pensioner = body["lines"][0]
    assert pensioner == {
        "line": "assicurato-pensionato",
        "waiting": 1,
        "longest_wait_minutes": 5,
        "estimated_wait_minutes": 8,
        # One ahead at the default 8 minutes, spread 4: 8 ± 4.
        "estimated_wait_min_minutes": 4,
        "estimated_wait_max_minutes": 12,
        "open_counters": 1,
        "counters_needed": 1,
        "served_today": 0,
        "mean_wait_minutes": None,
    }
    # An unserved line promises no wait.
    assert body["lines"][1]["estimated_wait_minutes"] is None
    assert body["lines"][1]["estimated_wait_min_minutes"] is None
    assert body["lines"][1]["estimated_wait_max_minutes"] is None
    assert body["counters"][0] == {
        "id": hall.counters.get(number=1).pk,
        "number": 1,
        "name": "Sportello 1",
        "status": "open",
        "line": "assicurato-pensionato",
        "operator": "Operatore Rossi",
        "idle_minutes": None,
        "clone_until": None,
    }
    unstaffed = [a for a in body["alerts"] if a["code"] == "line_unstaffed"]
    assert unstaffed[0] == {
        "code": "line_unstaffed",
        "line": "socio-sanitari",
        "detail": "Linea «Linea Servizi Socio-Sanitari» aperta senza sportelli: "
        "0 in attesa.",
    }


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.OPERATOR, Role.KIOSK])
def test_reception_operators_and_kiosk_are_refused(api_client, hall, role):
    api_client.force_authenticate(staff(hall, role, "persona"))

    assert api_client.get(dashboard_url()).status_code == 403


def test_another_branch_is_not_found(api_client, hall, other_branch):
    api_client.force_authenticate(staff(other_branch, Role.FLOOR_SUPERVISOR, "eur"))

    assert api_client.get(dashboard_url()).status_code == 404


def test_anonymous_callers_must_sign_in(api_client, hall):
    response = api_client.get(dashboard_url())

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# --- Actions ----------------------------------------------------------------


def clone_payload(counter, operator, **extra):
    return {
        "counter": counter.pk,
        "line": "assicurato-pensionato",
        "operator": operator.pk,
        "ends_at": datetime.datetime(2026, 12, 2, 11, 0, tzinfo=ROME).isoformat(),
        "reason": "Picco di pensionati",
        **extra,
    }


def test_the_supervisor_clones_a_counter_through_the_api(
    api_client, branch, counters, operator, supervisor, morning
):
    api_client.force_authenticate(supervisor)

    response = api_client.post(
        reverse("sala:clone-create", kwargs={"branch": "roma-centro"}),
        clone_payload(counters[1], operator),
        format="json",
    )

    assert response.status_code == 201
    clone = CounterClone.objects.get()
    assert response.json()["id"] == clone.pk
    assert response.json()["operator"] == "operatore"
    assert clone.shift.line.code == "assicurato-pensionato"
    assert clone.shift.closed_at is None

    ended = api_client.post(
        reverse("sala:clone-end", kwargs={"clone_id": clone.pk}),
        {"reason": "Coda smaltita"},
        format="json",
    )

    assert ended.status_code == 200
    assert Shift.objects.get(pk=clone.shift_id).closed_at is not None
    assert list(
        SupervisorAction.objects.order_by("pk").values_list("kind", "reason")
    ) == [("clone_open", "Picco di pensionati"), ("clone_end", "Coda smaltita")]


def test_an_untrained_operator_is_a_409(
    api_client, branch, counters, new_operator, supervisor, morning
):
    api_client.force_authenticate(supervisor)

    response = api_client.post(
        reverse("sala:clone-create", kwargs={"branch": "roma-centro"}),
        clone_payload(counters[1], new_operator),
        format="json",
    )

    assert response.status_code == 409
    assert response.json() == {
        "code": "not_qualified",
        "detail": "L'operatore non ha ancora la formazione per la linea "
        "«Linea Assicurato Pensionato».",
    }
    assert not Shift.objects.exists()


@pytest.mark.parametrize("who", ["director", "regional", "operator", "receptionist"])
def test_only_the_floor_supervisor_clones(
    api_client, branch, counters, operator, who, request, morning
):
    api_client.force_authenticate(request.getfixturevalue(who))

    response = api_client.post(
        reverse("sala:clone-create", kwargs={"branch": "roma-centro"}),
        clone_payload(counters[1], operator),
        format="json",
    )

    assert response.status_code == 403
    assert not CounterClone.objects.exists()
    assert not Shift.objects.exists()


def test_cloning_at_another_branch_is_not_found(
    api_client, branch, other_branch, counters, operator, morning
):
    api_client.force_authenticate(staff(other_branch, Role.FLOOR_SUPERVISOR, "eur"))

    response = api_client.post(
        reverse("sala:clone-create", kwargs={"branch": "roma-centro"}),
        clone_payload(counters[1], operator),
        format="json",
    )

    assert response.status_code == 404


def test_a_malformed_clone_is_a_400_with_field_errors(
    api_client, branch, counters, operator, supervisor, morning
):
    api_client.force_authenticate(supervisor)

    response = api_client.post(
        reverse("sala:clone-create", kwargs={"branch": "roma-centro"}),
        clone_payload(counters[1], operator, ends_at="domani", reason=""),
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) >= {"ends_at", "reason"}
    assert not Shift.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "director"])
def test_the_indebiti_line_opens_and_closes_through_the_api(
    api_client, branch, who, request, morning
):
    api_client.force_authenticate(request.getfixturevalue(who))
    url = reverse(
        "sala:line-open", kwargs={"branch": "roma-centro", "line": "indebiti"}
    )

    response = api_client.post(
        url,
        {"opened_on": "2026-12-02", "closes_on": "2026-12-18", "reason": "Campagna"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "branch": "roma-centro",
        "line": "indebiti",
        "opened_on": "2026-12-02",
        "closes_on": "2026-12-18",
    }
    closed = api_client.post(
        reverse(
            "sala:line-close", kwargs={"branch": "roma-centro", "line": "indebiti"}
        ),
        {"reason": "Fine della campagna"},
        format="json",
    )
    assert closed.status_code == 200
    assert closed.json()["closes_on"] == "2026-12-01"


@pytest.mark.parametrize("who", ["regional", "operator", "receptionist"])
def test_others_cannot_open_the_indebiti_line(api_client, branch, who, request):
    api_client.force_authenticate(request.getfixturevalue(who))

    response = api_client.post(
        reverse("sala:line-open", kwargs={"branch": "roma-centro", "line": "indebiti"}),
        {"opened_on": "2026-12-02", "closes_on": "2026-12-18", "reason": "Campagna"},
        format="json",
    )

    assert response.status_code == 403
    assert not BranchLine.objects.filter(line__code="indebiti").exists()


def test_the_supervisor_pauses_and_closes_a_counter_left_open(
    api_client, branch, counters, operator, supervisor, morning
):
    ShiftFactory.create(counter=counters[0], operator=operator)
    api_client.force_authenticate(supervisor)
    kwargs = {"branch": "roma-centro", "counter_id": counters[0].pk}

    paused = api_client.post(
        reverse("sala:counter-pause", kwargs=kwargs), {"reason": "Pausa"}, format="json"
    )
    closed = api_client.post(
        reverse("sala:counter-close", kwargs=kwargs),
        {"reason": "Operatore uscito"},
        format="json",
    )

    assert paused.status_code == 200
    assert paused.json()["is_paused"] is True
    assert closed.status_code == 200
    assert closed.json()["is_open"] is False
    assert list(
        SupervisorAction.objects.order_by("pk").values_list("kind", flat=True)
    ) == [
        "counter_pause",
        "counter_close",
    ]


@pytest.mark.parametrize("who", ["director", "operator", "regional"])
def test_only_the_floor_supervisor_closes_a_counter(
    api_client, branch, counters, operator, who, request, morning
):
    ShiftFactory.create(counter=counters[0], operator=operator)
    api_client.force_authenticate(request.getfixturevalue(who))

    response = api_client.post(
        reverse(
            "sala:counter-close",
            kwargs={"branch": "roma-centro", "counter_id": counters[0].pk},
        ),
        {"reason": "Chiuso"},
        format="json",
    )

    assert response.status_code == 403
    assert Shift.objects.get().closed_at is None


def test_a_meeting_point_opens_through_the_api(api_client, branch, director, morning):
    api_client.force_authenticate(director)

    response = api_client.post(
        reverse("sala:meeting-point-open", kwargs={"branch": "roma-centro"}),
        {"line": "socio-sanitari", "reason": "Agenda oltre 30 giorni"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["line"] == "socio-sanitari"
    assert response.json()["opened_on"] == "2026-12-02"
    assert SupervisorAction.objects.get().kind == "meeting_point_open"


def test_the_indebiti_line_has_no_meeting_point(api_client, branch, director, morning):
    api_client.force_authenticate(director)

    response = api_client.post(
        reverse("sala:meeting-point-open", kwargs={"branch": "roma-centro"}),
        {"line": "indebiti", "reason": "Prova"},
        format="json",
    )

    assert response.status_code == 400
    assert "line" in response.json()
    assert ServiceLine.objects.get(code="indebiti").meeting_points.count() == 0
