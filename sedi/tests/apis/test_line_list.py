import pytest

from sedi.models import StaffRole
from sedi.tests.factories import StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/lines/"


@pytest.fixture
def staff_client(api_client):
    staff = StaffRoleFactory.create(role=StaffRole.Role.OPERATOR)
    api_client.force_login(staff.user)
    return api_client


def test_line_list_refuses_anonymous_with_401(api_client):
    response = api_client.get(URL)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_line_list_refuses_user_without_staff_role_with_403(api_client):
    api_client.force_login(UserFactory.create())

    response = api_client.get(URL)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Il suo ruolo non consente questa operazione.",
        "code": "permission_denied",
    }


def test_line_list_returns_the_six_lines_in_guideline_order(staff_client):
    response = staff_client.get(URL)

    assert response.status_code == 200
    lines = response.json()
    assert [
        (line["code"], line["letter"], line["section"], line["kind"]) for line in lines
    ] == [
        ("assicurato-pensionato", "A", "2.1", "standard"),
        ("socio-sanitari", "B", "2.2", "standard"),
        ("sostegno-reddito", "C", "2.3", "standard"),
        ("soggetto-contribuente", "D", "2.4", "standard"),
        ("indebiti", "E", "2.5", "peak"),
        ("poli-specialistici", "F", "2.6", "specialist"),
    ]
    assert [line["name"] for line in lines] == [
        "Linea Assicurato Pensionato",
        "Linea Servizi Socio-Sanitari",
        "Linea Prestazioni a Sostegno del Reddito",
        "Linea Soggetto Contribuente",
        "Sportello Indebiti",
        "Linea Poli Specialistici/Fondi Speciali",
    ]
    assert set(lines[0]) == {"code", "name", "letter", "section", "kind", "services"}


def test_line_list_gives_each_line_its_catalogue_in_order(staff_client):
    lines = {line["code"]: line for line in staff_client.get(URL).json()}

    assert lines["assicurato-pensionato"]["services"][:2] == [
        {
            "code": "dichiarazioni-autocertificazioni",
            "name": "Presentazione dichiarazioni/autocertificazioni a vario titolo",
        },
        {
            "code": "stato-pratiche",
            "name": "Informazioni stato di lavorazione delle pratiche",
        },
    ]
    assert lines["soggetto-contribuente"]["services"][:2] == [
        {
            "code": "estratto-contributivo",
            "name": "Estratto contributivo non certificativo",
        },
        {
            "code": "codeline-f24",
            "name": "Rilascio code line F24 artigiani e commercianti",
        },
    ]
    assert [s["code"] for s in lines["sostegno-reddito"]["services"]] == [
        "dichiarazioni-autocertificazioni",
        "stato-pratiche",
        "giustificazione-assenze-visite",
        "modelli-as1",
        "duplicato-cud",
        "pin-cittadino",
        "attivazione-agenda",
    ]
    assert {code: len(line["services"]) for code, line in lines.items()} == {
        "assicurato-pensionato": 15,
        "socio-sanitari": 12,
        "sostegno-reddito": 7,
        "soggetto-contribuente": 13,
        "indebiti": 0,
        "poli-specialistici": 15,
    }


def test_line_list_prefetches_the_catalogues(
    staff_client, django_assert_max_num_queries
):
    # session, user, role check, lines, services
    with django_assert_max_num_queries(5):
        response = staff_client.get(URL)

    assert response.status_code == 200
