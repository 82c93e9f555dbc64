import datetime

import pytest
from django.core.management import call_command

from consulenza.checks import meeting_points_check
from consulenza.models import MeetingPoint
from consulenza.tests.conftest import STANDARD_LINES
from sedi.models import Branch, ServiceLine
from sedi.tests.factories import BranchFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/consulenza/meetingpoint/add/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


def _form(branch, **overrides) -> dict:
    line = ServiceLine.objects.get(code="socio-sanitari")
    data = {
        "branch": branch.pk,
        "line": line.pk,
        "name": "Socio-sanitari 2",
        "opened_on": "2026-03-02",
        "closed_on": "",
        "slot_minutes": "45",
    }
    data.update(overrides)
    return data


def test_admin_opens_a_meeting_point_through_the_service(admin_client, branch):
    response = admin_client.post(ADD_URL, _form(branch))

    assert response.status_code == 302
    point = MeetingPoint.objects.get()
    assert (point.name, point.slot_minutes, point.opened_on) == (
        "Socio-sanitari 2",
        45,
        datetime.date(2026, 3, 2),
    )


def test_admin_refuses_a_meeting_point_in_an_agenzia_territoriale(admin_client, lazio):
    territorial = BranchFactory.create(
        region=lazio, kind=Branch.Kind.TERRITORIAL_AGENCY, line_codes=STANDARD_LINES
    )

    response = admin_client.post(ADD_URL, _form(territorial))

    assert response.status_code == 200
    assert "Le agenzie territoriali non svolgono attività di consulenza" in (
        response.content.decode()
    )
    assert MeetingPoint.objects.count() == 0


def test_admin_refuses_a_line_absent_from_the_branch(admin_client, lazio):
    other = BranchFactory.create(region=lazio, line_codes=["assicurato-pensionato"])

    response = admin_client.post(ADD_URL, _form(other))

    assert response.status_code == 200
    assert "La linea non è presente nella sede" in response.content.decode()
    assert MeetingPoint.objects.count() == 0


def test_check_warns_about_lines_without_a_meeting_point(branch, point):
    warnings = meeting_points_check(databases=["default"])

    assert [w.msg for w in warnings] == [
        "Branch roma-centro has no meeting point for line socio-sanitari.",
        "Branch roma-centro has no meeting point for line sostegno-reddito.",
        "Branch roma-centro has no meeting point for line soggetto-contribuente.",
    ]
    assert meeting_points_check() == []


def test_flag_backlog_command_runs_the_job(monday, branch, point, capsys):
    call_command("flag_backlog")

    out = capsys.readouterr().out
    assert "roma-centro          assicurato-pensionato    ok          0 days" in out
    assert "roma-centro: no meeting point for socio-sanitari" in out
    assert "4 line(s) checked, 3 flagged." in out


def test_admin_offers_a_supervisor_only_their_branches(client, branch, lazio):
    from django.contrib.auth.models import Permission

    from sedi.services import staff_role_assign

    BranchFactory.create(
        region=lazio, code="roma-eur", name="Roma EUR", line_codes=STANDARD_LINES
    )
    user = UserFactory.create(username="sala", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="consulenza",
            codename__in=["add_meetingpoint", "view_meetingpoint"],
        )
    )
    staff_role_assign(user=user, role="floor-supervisor", branch=branch)
    client.force_login(user)

    page = client.get(ADD_URL).content.decode()
    foreign = client.post(
        ADD_URL,
        _form(Branch.objects.get(code="roma-eur")),
    )

    assert "Roma Centro" in page
    assert "Roma EUR" not in page
    assert foreign.status_code == 200
    assert MeetingPoint.objects.count() == 0
