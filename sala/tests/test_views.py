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
    # No promised wait on an unserved line, and no "0 min" of longest wait
    # on a line where nobody waits.
    assert "nessuno sportello aperto ora" in html
    assert 'data-testid="longest-socio-sanitari">—</td>' in html
    assert 'data-testid="longest-assicurato-pensionato">0 min</td>' in html
    assert 'id="chart-waits"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_clone_form_names_the_lines_each_operator_is_trained_for(
    client, branch, operator, new_operator, supervisor, morning
):
    client.force_login(supervisor)

    html = client.get(page_url()).content.decode()

    assert (
        f'<option value="{operator.pk}">Operatore Rossi — linee A, B, C, D, E, F'
        in html
    )
    assert (
        f'<option value="{new_operator.pk}">Operatore-Nuovo Rossi — non ancora formato'
        in html
    )


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


def test_the_admin_shows_the_action_log_read_only(
    client, branch, counters, operator, supervisor, morning
):
    from django.contrib.auth.models import Group

    from sala.demo import SUPERVISOR_PERMISSIONS
    from sedi.demo import SUPERVISOR_GROUP, supervisor_group_grant

    client.force_login(supervisor)
    clone_url = "/sala/roma-centro/clona/"
    client.post(
        clone_url,
        {"line": "assicurato-pensionato", "counter": counters[1].pk,
         "operator": operator.pk, "ends_at": "11:00", "reason": "Picco"},
    )  # fmt: skip
    supervisor_group_grant(app_label="sala", codenames=SUPERVISOR_PERMISSIONS)
    supervisor.groups.add(Group.objects.get(name=SUPERVISOR_GROUP))
    supervisor.is_staff = True
    supervisor.save()

    listing = client.get("/admin/sala/supervisoraction/")
    adding = client.get("/admin/sala/counterclone/add/")

    assert listing.status_code == 200
    assert "Picco" in listing.content.decode()
    assert adding.status_code == 403


def test_the_admin_index_links_the_dashboard(client, branch, supervisor):
    supervisor.is_staff = True
    supervisor.save()
    client.force_login(supervisor)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert 'href="/sala/roma-centro/"' in response.content.decode()
