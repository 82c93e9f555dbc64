import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consulenza.tests.conftest import Role, rome
from consulenza.tests.factories import AppointmentFactory
from consulenza.tests.helpers import fill
from sedi.services import staff_role_assign
from sedi.tests.factories import BranchFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/branches/roma-centro/lines/assicurato-pensionato/slots/"


@pytest.fixture
def client(api_client, receptionist):
    api_client.force_login(receptionist)
    return api_client


def test_slots_list_free_slots_in_rome_time(monday, client, point):
    AppointmentFactory.create(meeting_point=point, start=rome(2026, 3, 2, 13, 30))

    response = client.get(URL, {"from": "2026-03-02", "days": 1})

    assert response.status_code == 200
    assert response.json() == [
        {
            "start": f"2026-03-02T{time}:00+01:00",
            "end": f"2026-03-02T{end}:00+01:00",
            "meeting_point": {
                "id": point.pk,
                "name": "Roma Centro — Linea Assicurato Pensionato",
            },
        }
        for time, end in (("14:00", "14:30"), ("14:30", "15:00"), ("15:00", "15:30"))
    ]


def test_slots_default_to_a_week_from_today(monday, client, point):
    response = client.get(URL)

    assert response.status_code == 200
    days = sorted({slot["start"][:10] for slot in response.json()})
    assert days == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]


@pytest.mark.parametrize("days", ["32", "1000", "9" * 400])
def test_slots_days_are_capped(monday, client, point, days):
    response = client.get(URL, {"from": "2026-03-02", "days": days})

    assert response.status_code == 200
    last = max(slot["start"][:10] for slot in response.json())
    assert last == "2026-04-01"  # 31 days: 2 March – 1 April


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-02-30"}, "from"),
        ({"from": "domani"}, "from"),
        ({"from": "9999-12-31"}, "from"),
        ({"days": 0}, "days"),
        ({"days": "tre"}, "days"),
        ({"days": "-3"}, "days"),
    ],
)
def test_slots_bad_parameters_are_400(monday, client, point, params, field):
    response = client.get(URL, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_slots_of_an_unknown_line_are_404(monday, client, point):
    response = client.get("/api/v1/branches/roma-centro/lines/nessuna/slots/")

    assert response.status_code == 404


def test_slots_of_another_branch_are_404(monday, client, point, lazio):
    BranchFactory.create(
        region=lazio, code="roma-eur", line_codes=["assicurato-pensionato"]
    )

    response = client.get(
        "/api/v1/branches/roma-eur/lines/assicurato-pensionato/slots/"
    )

    assert response.status_code == 404


def test_slots_need_a_staff_role(monday, api_client, point):
    api_client.force_login(UserFactory.create())

    assert api_client.get(URL).status_code == 403


def test_slots_are_open_to_every_office_role(monday, api_client, point, branch):
    for role in Role.values:
        user = UserFactory.create(username=f"u-{role}")
        if role in (Role.CONTACT_CENTRE, Role.REGIONAL):
            staff_role_assign(user=user, role=role, region=branch.region)
        else:
            staff_role_assign(user=user, role=role, branch=branch)
        api_client.force_login(user)
        # The kiosk, a public machine, only issues tickets.
        expected = 403 if role == Role.KIOSK else 200
        assert api_client.get(URL).status_code == expected, role


def test_slots_run_a_fixed_number_of_queries(
    monday, client, point, django_assert_max_num_queries
):
    for day in range(2, 6):
        AppointmentFactory.create(meeting_point=point, start=rome(2026, 3, day, 14, 0))

    with django_assert_max_num_queries(8):
        response = client.get(URL, {"from": "2026-03-02", "days": 31})

    assert len(response.json()) == 19 * 4 - 4
    assert datetime.date.fromisoformat(
        response.json()[-1]["start"][:10]
    ) == datetime.date(2026, 4, 1)


def test_slot_queries_do_not_grow_with_the_bookings(monday, client, point):
    # A first read, so that both compared reads find the caller's scope kept.
    client.get(URL, {"from": "2026-03-02", "days": 31})
    with CaptureQueriesContext(connection) as empty:
        free = client.get(URL, {"from": "2026-03-02", "days": 31}).json()
    added = fill(point, datetime.date(2026, 3, 2), datetime.date(2026, 3, 25))

    with CaptureQueriesContext(connection) as full:
        left = client.get(URL, {"from": "2026-03-02", "days": 31}).json()

    assert (len(free), added, len(left)) == (76, 60, 16)
    assert len(full.captured_queries) == len(empty.captured_queries)
