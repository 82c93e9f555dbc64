"""The Django admin shows the floor supervisor only their own branches."""

import pytest
from django.core.management import call_command

from formazione.tests.factories import QualificationFactory
from reception.services import protocol_register
from sedi.models import Branch, StaffRole
from sedi.services import staff_role_assign
from sedi.tests.factories import UserFactory
from sportelli.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", "--password", "prova-admin-66", verbosity=0)
    centre = Branch.objects.get(code="roma-centro")
    eur = Branch.objects.get(code="roma-eur")
    clerk = UserFactory.create()
    for branch, subject in ((centre, "Pratica del centro"), (eur, "Pratica dell'EUR")):
        TicketFactory.create(branch=branch, number=77 if branch == centre else 88)
        protocol_register(
            branch=branch, kind="documento", subject=subject, registered_by=clerk
        )
    return centre, eur


@pytest.mark.parametrize(
    ("url", "mine", "theirs"),
    [
        ("/admin/sportelli/ticket/", "A077", "A088"),
        ("/admin/reception/protocolentry/", "Pratica del centro", "Pratica dell"),
        ("/admin/sedi/branch/", "Roma Centro", "Roma EUR"),
        (
            "/admin/formazione/course/",
            "Affiancamento allo sportello",
            "Il voucher: delega",
        ),
    ],
)
def test_supervisor_sees_only_their_branch(client, demo, url, mine, theirs):
    client.login(username="sala", password="prova-admin-66")

    page = client.get(url)

    assert page.status_code == 200
    assert mine in page.text
    assert theirs not in page.text


def test_supervisor_counts_only_their_counters(client, demo):
    client.login(username="sala", password="prova-admin-66")

    page = client.get("/admin/sportelli/counter/")

    assert page.context["cl"].result_count == 8  # roma-eur has 5 more


def test_another_branch_row_cannot_be_opened(client, demo):
    _centre, eur = demo
    entry = eur.protocol_entries.get()
    client.login(username="sala", password="prova-admin-66")

    response = client.get(f"/admin/reception/protocolentry/{entry.pk}/change/")

    assert response.status_code == 302
    assert response.url == "/admin/"


def test_superuser_sees_every_branch(admin_client, demo):
    page = admin_client.get("/admin/sportelli/ticket/").text

    assert "A077" in page
    assert "A088" in page


def test_supervisor_sees_only_their_operators_qualifications(client, demo):
    _centre, eur = demo
    clerk = UserFactory.create(username="sportellista-eur")
    staff_role_assign(user=clerk, role=StaffRole.Role.OPERATOR, branch=eur)
    QualificationFactory.create(operator=clerk)
    client.login(username="sala", password="prova-admin-66")

    page = client.get("/admin/formazione/qualification/")

    assert page.status_code == 200
    assert page.context["cl"].result_count == 6  # operatore's six lines
    assert "sportellista-eur" not in page.text
