"""The CRIC's page of escalations: list, filter, resolve with the outcome;
the contact centre sees those it sent."""

import datetime

import pytest

from consulenza.models import Escalation
from consulenza.tests.conftest import rome
from consulenza.tests.factories import EscalationFactory
from sedi.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

URL = "/consulenza/cric/"


@pytest.fixture
def escalations(branch, line, ccm, lazio):
    eur = BranchFactory.create(
        region=lazio, code="roma-eur", name="Roma EUR", line_codes=["socio-sanitari"]
    )
    return {
        "open": EscalationFactory.create(
            branch=branch,
            line=line,
            requested_by=ccm,
            requested_at=rome(2026, 3, 2, 10),
        ),
        "resolved": EscalationFactory.create(
            branch=branch,
            line=line,
            requested_at=rome(2026, 2, 20, 10),
            status=Escalation.Status.RESOLVED,
            outcome="Fissato a Civitavecchia",
            resolved_at=rome(2026, 2, 21, 10),
        ),
        "eur": EscalationFactory.create(
            branch=eur, line=line, requested_at=rome(2026, 3, 1, 10)
        ),
    }


def rows(page: str) -> list[str]:
    import re

    return re.findall(r'data-testid="escalation-(\d+)"', page)


def test_the_region_lists_and_filters_the_escalations(
    client, regional, escalations, django_assert_max_num_queries
):
    client.force_login(regional)

    with django_assert_max_num_queries(10):
        response = client.get(URL)
    page = response.content.decode()

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert rows(page) == [str(escalations[k].pk) for k in ("open", "eur", "resolved")]
    assert "RSSMRA85T10A562S" not in page
    assert "Fissato a Civitavecchia" in page
    only_open = client.get(URL, {"stato": "open"}).content.decode()
    assert rows(only_open) == [str(escalations[k].pk) for k in ("open", "eur")]
    eur = client.get(URL, {"sede": "roma-eur"}).content.decode()
    assert rows(eur) == [str(escalations["eur"].pk)]
    # Unknown filter values are ignored, not a 500.
    assert client.get(URL, {"stato": "boh", "sede": "x"}).status_code == 200


def test_the_region_resolves_an_escalation_from_the_page(client, regional, escalations):
    client.force_login(regional)
    target = escalations["open"]

    response = client.post(
        f"{URL}{target.pk}/risolvi/",
        {"outcome": "Appuntamento a Roma EUR", "next": "?stato=open"},
        follow=True,
    )

    target.refresh_from_db()
    assert target.status == Escalation.Status.RESOLVED
    assert target.outcome == "Appuntamento a Roma EUR"
    assert target.resolved_by == regional
    assert response.redirect_chain == [(f"{URL}?stato=open", 302)]
    assert f"Richiesta n. {target.pk} risolta." in response.content.decode()


def test_an_empty_outcome_is_refused_and_nothing_changes(client, regional, escalations):
    client.force_login(regional)
    target = escalations["open"]

    response = client.post(f"{URL}{target.pk}/risolvi/", {"outcome": "  "})

    assert response.status_code == 400
    assert "Indicare l&#x27;esito." in response.content.decode()
    assert Escalation.objects.get(pk=target.pk).status == Escalation.Status.OPEN


def test_the_contact_centre_sees_only_its_own_and_cannot_resolve(
    client, ccm, escalations
):
    client.force_login(ccm)

    page = client.get(URL).content.decode()

    assert rows(page) == [str(escalations["open"].pk)]
    assert "Aperta: in carico al CRIC" in page
    assert 'name="outcome"' not in page
    response = client.post(f"{URL}{escalations['open'].pk}/risolvi/", {"outcome": "x"})
    assert response.status_code == 403
    assert Escalation.objects.get(pk=escalations["open"].pk).status == "open"


def test_branch_staff_are_refused(client, receptionist):
    client.force_login(receptionist)

    assert client.get(URL).status_code == 403


def test_the_home_page_links_the_escalations_page(client, regional, ccm):
    for user in (regional, ccm):
        client.force_login(user)
        assert f'href="{URL}"' in client.get("/").content.decode()


def test_the_list_is_paginated(client, regional, branch, line):
    for day in range(30):
        EscalationFactory.create(
            branch=branch,
            line=line,
            requested_at=rome(2026, 1, 1) + datetime.timedelta(days=day),
        )
    client.force_login(regional)

    first = client.get(URL).content.decode()
    second = client.get(URL, {"pagina": 2}).content.decode()

    assert len(rows(first)) == 25
    assert len(rows(second)) == 5
    assert "Pagina 2 di 2" in second
