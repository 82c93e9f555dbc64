"""A registered protocol entry is never edited nor deleted (DPR 445/2000
art. 53–54), whatever the entry point; closed complaints leave the due list.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission

from reception.models import ProtocolEntry
from reception.selectors import complaints_due
from reception.services import complaint_status_set, protocol_annul, protocol_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(branch, receptionist, morning):
    return protocol_register(
        branch=branch,
        kind="reclamo",
        subject="Attesa troppo lunga allo sportello",
        registered_by=receptionist,
    )


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_api_has_no_way_to_edit_or_delete(api_client, receptionist, entry, method):
    api_client.force_authenticate(receptionist)

    for path in (
        "/api/v1/branches/roma-centro/protocol/",
        f"/api/v1/protocol/{entry.pk}/annul/",
    ):
        response = getattr(api_client, method)(
            path, {"subject": "Cambiato"}, format="json"
        )
        assert response.status_code == 405

    entry.refresh_from_db()
    assert entry.subject == "Attesa troppo lunga allo sportello"


def test_the_admin_cannot_change_nor_delete_even_with_the_permissions(
    client, supervisor, entry
):
    supervisor.is_staff = True
    supervisor.save()
    supervisor.user_permissions.add(
        *Permission.objects.filter(codename__endswith="protocolentry")
    )
    client.force_login(supervisor)
    change = f"/admin/reception/protocolentry/{entry.pk}/change/"

    edited = client.post(change, {"subject": "Cambiato"})
    deleted = client.post(
        f"/admin/reception/protocolentry/{entry.pk}/delete/", {"post": "yes"}
    )

    assert edited.status_code == 403
    assert deleted.status_code == 403
    entry.refresh_from_db()
    assert entry.subject == "Attesa troppo lunga allo sportello"
    assert ProtocolEntry.objects.filter(pk=entry.pk).exists()


def test_the_page_has_no_way_to_edit(client, receptionist, entry):
    client.force_login(receptionist)

    client.post(
        "/accoglienza/roma-centro/protocollo/",
        {"entry": entry.pk, "subject": "Cambiato", "kind": "reclamo"},
    )

    entry.refresh_from_db()
    assert entry.subject == "Attesa troppo lunga allo sportello"


def _due(branch, morning):
    return list(
        complaints_due(
            branch=branch, today=datetime.date(2026, 12, 2) + datetime.timedelta(31)
        )
    )


def test_an_answered_complaint_leaves_the_due_list(
    branch, receptionist, entry, morning
):
    assert _due(branch, morning) == [entry]

    complaint_status_set(entry=entry, status="in_progress")
    assert _due(branch, morning) == [entry]
    complaint_status_set(entry=entry, status="answered")

    assert _due(branch, morning) == []


def test_an_annulled_complaint_leaves_the_due_list(
    branch, receptionist, entry, morning
):
    protocol_annul(entry=entry, reason="Registrato due volte", annulled_by=receptionist)

    assert _due(branch, morning) == []
