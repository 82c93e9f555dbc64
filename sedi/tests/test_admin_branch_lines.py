"""The branch's lines in the admin go through the service's rule."""

import pytest
from django.contrib.auth import get_user_model

from sedi.models import BranchLine, ServiceLine
from sedi.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", password="x" * 12)
    client.force_login(user)
    return client


def branch_form(branch, rows, *, hubs=False):
    data = {
        "region": branch.region_id,
        "code": branch.code,
        "name": branch.name,
        "kind": branch.kind,
        "province": branch.province,
        "patron_day_month": branch.patron_day_month,
        "patron_day_day": branch.patron_day_day,
        "target_wait_minutes": 15,
        "created_at_0": "2026-01-01",
        "created_at_1": "09:00:00",
        "branch_lines-TOTAL_FORMS": len(rows),
        "branch_lines-INITIAL_FORMS": 0,
        "branch_lines-MIN_NUM_FORMS": 0,
        "branch_lines-MAX_NUM_FORMS": 1000,
    }
    if hubs:
        data["has_specialist_hubs"] = "on"
    for n, code in enumerate(rows):
        data[f"branch_lines-{n}-line"] = ServiceLine.objects.get(code=code).pk
        data[f"branch_lines-{n}-opened_on"] = ""
        data[f"branch_lines-{n}-closes_on"] = ""
    return data


def test_poli_specialistici_cannot_be_opened_where_none_are_present(admin_client):
    branch = BranchFactory.create(has_specialist_hubs=False)

    response = admin_client.post(
        f"/admin/sedi/branch/{branch.pk}/change/",
        branch_form(branch, ["poli-specialistici"]),
    )

    assert response.status_code == 200
    assert "prevista solo nelle sedi dove i poli sono presenti" in (
        response.content.decode()
    )
    assert not BranchLine.objects.filter(branch=branch).exists()


def test_lines_are_opened_through_the_service(admin_client):
    branch = BranchFactory.create(has_specialist_hubs=False)

    response = admin_client.post(
        f"/admin/sedi/branch/{branch.pk}/change/",
        branch_form(branch, ["assicurato-pensionato", "poli-specialistici"], hubs=True),
    )

    assert response.status_code == 302
    assert sorted(
        BranchLine.objects.filter(branch=branch).values_list("line__code", flat=True)
    ) == ["assicurato-pensionato", "poli-specialistici"]
