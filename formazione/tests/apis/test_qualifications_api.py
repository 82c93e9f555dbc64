import pytest

from formazione.models import Qualification
from formazione.tests.conftest import Role, staff
from formazione.tests.factories import QualificationFactory
from sedi.models import ServiceLine

pytestmark = pytest.mark.django_db

URL = "/api/v1/branches/roma-centro/qualifications/"


@pytest.fixture
def supervisor(branch):
    return staff("sala", Role.FLOOR_SUPERVISOR, branch=branch)


@pytest.fixture
def rota(operator):
    return QualificationFactory.create(
        operator=operator,
        line=ServiceLine.objects.get(code="socio-sanitari"),
        reason="Formato a Latina",
    )


def test_the_supervisor_reads_the_rota(now, as_user, supervisor, rota):
    response = as_user(supervisor).get(URL)

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": rota.pk,
            "operator": "operatore",
            "operator_name": "Mario Rossi",
            "line": "socio-sanitari",
            "since": rota.since.isoformat(),
            "origin": "director",
            "course": None,
            "granted_by": rota.granted_by.username,
            "reason": "Formato a Latina",
            "revoked_at": None,
            "revoke_reason": "",
        }
    ]


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.OPERATOR, Role.KIOSK])
def test_other_roles_get_403(now, as_user, branch, rota, role):
    assert as_user(staff("x", role, branch=branch)).get(URL).status_code == 403


def test_another_branch_gets_404(now, as_user, other_branch, rota):
    user = staff("sala-eur", Role.FLOOR_SUPERVISOR, branch=other_branch)

    assert as_user(user).get(URL).status_code == 404


def test_anonymous_gets_401(api_client, branch):
    assert api_client.get(URL).status_code == 401


def test_the_rota_query_count_does_not_grow(
    now, as_user, supervisor, branch, django_assert_max_num_queries
):
    for index in range(30):
        QualificationFactory.create(
            operator=staff(f"op-{index}", Role.OPERATOR, branch=branch)
        )

    with django_assert_max_num_queries(6):
        response = as_user(supervisor).get(URL)

    assert len(response.json()) == 30


def test_the_director_grants_and_revokes(now, as_user, director, operator):
    client = as_user(director)

    granted = client.post(
        URL,
        {"operator": "operatore", "line": "indebiti", "reason": "Picco di gennaio"},
        format="json",
    )
    again = client.post(
        URL,
        {"operator": "operatore", "line": "indebiti", "reason": "Di nuovo"},
        format="json",
    )
    revoked = client.post(
        f"/api/v1/qualifications/{granted.json()['id']}/revoke/",
        {"reason": "Fine del picco"},
        format="json",
    )

    assert granted.status_code == 201
    assert granted.json()["origin"] == "director"
    assert again.status_code == 409
    assert again.json()["code"] == "already_qualified"
    assert revoked.status_code == 200
    assert revoked.json()["revoke_reason"] == "Fine del picco"
    assert client.get(URL).json() == []


def test_the_supervisor_cannot_grant(now, as_user, supervisor, operator):
    response = as_user(supervisor).post(
        URL,
        {"operator": "operatore", "line": "indebiti", "reason": "Urgenza"},
        format="json",
    )

    assert response.status_code == 403
    assert not Qualification.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"operator": "nessuno", "line": "indebiti", "reason": "x"}, "operator"),
        ({"operator": "operatore", "line": "sportello-x", "reason": "x"}, "line"),
        ({"operator": "operatore", "line": "indebiti", "reason": ""}, "reason"),
    ],
)
def test_bad_grants_are_field_errors(now, as_user, director, operator, body, field):
    response = as_user(director).post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_another_branch_director_cannot_revoke(now, as_user, other_director, rota):
    response = as_user(other_director).post(
        f"/api/v1/qualifications/{rota.pk}/revoke/", {"reason": "x"}, format="json"
    )

    assert response.status_code == 404
    rota.refresh_from_db()
    assert rota.revoked_at is None
