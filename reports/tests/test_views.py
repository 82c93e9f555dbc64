"""The regional overview page: tables, charts' data, downloads, roles."""

from typing import Any

import pytest

from reports.services import days_close
from reports.tests.conftest import FRIDAY, MONDAY
from sedi.tests.factories import StaffRoleFactory

pytestmark = pytest.mark.django_db
URL = "/regione/report/"
MARCH = {"date_from": "2026-03-27", "date_to": "2026-03-31"}


def test_the_region_sees_tables_charts_and_downloads(client, dataset, regional, after):
    days_close(date_from=FRIDAY, date_to=MONDAY)
    client.force_login(regional)

    response = client.get(URL, MARCH)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="report-tickets"' in page
    assert 'data-testid="report-consultation"' in page
    assert 'data-testid="report-reception"' in page
    chart = response.context["chart"]
    assert chart["branches"] == ["roma-centro", "roma-eur"]
    # roma-centro: 12 tickets (Friday and Monday), (9045 + 420) s over 11 waits.
    assert chart["issued"] == [12, 1]
    assert chart["mean_wait"] == [14.3, 2.0]
    assert chart["p90_wait"] == [30, 2]
    links = response.context["downloads"]["tickets"]
    assert links["csv"] == (
        "/api/v1/reports/tickets/?date_from=2026-03-27&date_to=2026-03-31"
        "&group=day&format=csv"
    )
    assert client.get(links["xlsx"]).status_code == 200
    assert '<script id="report-chart-data" type="application/json">' in page
    assert len(response.context["tickets"]) == 4


def test_a_director_sees_only_their_branch(client, dataset, director, after):
    client.force_login(director)

    response = client.get(URL, MARCH)
    other = client.get(URL, {**MARCH, "branch": "roma-centro"})

    assert response.status_code == 200
    assert response.context["chart"]["branches"] == ["roma-eur"]
    assert other.status_code == 403


def test_bad_filters_are_shown_and_ignored(client, dataset, regional, after):
    client.force_login(regional)

    response = client.get(URL, {"date_from": "domani", "group": "anno"})

    assert response.status_code == 200
    assert set(response.context["errors"]) == {"date_from", "group"}
    assert response.context["filters"]["group"] == "day"


@pytest.mark.parametrize("role", ["reception", "operator", "floor-supervisor"])
def test_other_roles_get_403(client, dataset, role, after):
    holder: Any = StaffRoleFactory.create(role=role, branch=dataset["centre"]).user
    client.force_login(holder)

    assert client.get(URL).status_code == 403
