import pytest
from django.urls import reverse

from sala.models import CounterClone
from sala.tests.conftest import Role, staff
from sportelli.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def page_url(name="sala-pages:dashboard", code="roma-centro"):
    return reverse(name, kwargs={"branch": code})


@pytest.mark.parametrize("who", ["supervisor", "director"])
def test_the_dashboard_page_shows_the_hall(
    client, branch, counters, who, request, morning
):
    TicketFactory.create(branch=branch)
    client.force_login(request.getfixturevalue(who))

    response = client.get(page_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-get="/sala/roma-centro/dati/"' in html
    assert 'aria-live="polite"' in html
    assert 'data-testid="line-assicurato-pensionato"' in html
    assert "nessuno sportello" in html  # no promised wait on an unserved line
    assert 'id="chart-waits"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_live_part_is_served_alone(client, branch, supervisor, morning):
    client.force_login(supervisor)

    response = client.get(page_url("sala-pages:dashboard-live"))

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="chart-data"' in response.content


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.OPERATOR, Role.REGIONAL])
def test_other_roles_are_refused_the_page(client, branch, region, role):
    if role == Role.REGIONAL:
        from sedi.tests.factories import StaffRoleFactory, UserFactory

        user = UserFactory.create(username="regione")
        StaffRoleFactory.create(user=user, role=role, branch=None, region=region)
    else:
        user = staff(branch, role, "persona")
    client.force_login(user)

    assert client.get(page_url()).status_code == 403


def test_another_branch_is_not_found(client, branch, other_branch):
    client.force_login(staff(other_branch, Role.FLOOR_SUPERVISOR, "eur"))

    assert client.get(page_url()).status_code == 404


def test_the_home_page_links_the_dashboard(client, branch, supervisor):
    client.force_login(supervisor)

    assert b'href="/sala/roma-centro/"' in client.get("/").content


def test_a_counter_is_cloned_from_the_page(
    client, branch, counters, operator, supervisor, morning
):
    client.force_login(supervisor)

    response = client.post(
        reverse(
            "sala-pages:action", kwargs={"branch": "roma-centro", "action": "clona"}
        ),
        {
            "line": "assicurato-pensionato",
            "counter": counters[1].pk,
            "operator": operator.pk,
            "ends_at": "11:00",
            "reason": "Picco",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "Sportello 2 aperto per la linea" in response.content.decode()
    assert "clonato fino alle 11:00" in response.content.decode()
    assert CounterClone.objects.get().counter == counters[1]


def test_a_refused_action_shows_an_alert_not_an_error(
    client, branch, counters, operator, supervisor, morning
):
    client.force_login(supervisor)

    response = client.post(
        reverse(
            "sala-pages:action", kwargs={"branch": "roma-centro", "action": "clona"}
        ),
        {
            "line": "assicurato-pensionato",
            "counter": "x",
            "operator": "",
            "ends_at": "25:00",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "Valore non valido." in response.content.decode()
    assert not CounterClone.objects.exists()
