"""Hostile bytes answer 400 at one boundary, never a 500."""

import pytest
from django.core.management import call_command

from sedi.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/status/abc%00def/",
        "/api/v1/branches/?q=%00",
        "/api/v1/branches/roma%01centro/",
        "/api/schema/?format=%1b",
    ],
)
def test_control_characters_in_an_api_request_are_refused(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


@pytest.mark.parametrize(
    "path", ["/accoglienza/roma-centro/?q=pensione%00", "/biglietto/ab%00cd/"]
)
def test_control_characters_in_a_page_request_are_refused(client, path):
    BranchFactory.create(code="roma-centro")

    response = client.get(path)

    assert response.status_code == 400


def test_a_form_field_with_a_nul_byte_is_refused(client):
    response = client.post("/accesso/", {"username": "a\x00b", "password": "x"})

    assert response.status_code == 400


def test_tabs_and_new_lines_are_ordinary_text(client):
    response = client.post("/accesso/", {"username": "a\tb", "password": "x\r\ny"})

    assert response.status_code == 200  # the login form again, with its error


@pytest.mark.parametrize("depth", [21, 1000, 100_000])
def test_deeply_nested_json_is_a_400(api_client, depth):
    body = "[" * depth + "]" * depth

    response = api_client.post(
        "/api/v1/auth/token/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_json_nested_within_the_limit_is_parsed(api_client):
    body = '{"username": "x", "password": "y", "extra": ' + "[" * 18 + "]" * 18 + "}"

    response = api_client.post(
        "/api/v1/auth/token/", body, content_type="application/json"
    )

    # Parsed: the credentials are wrong, which is a field error.
    assert response.status_code == 400
    assert response.json().get("code") != "parse_error"


def test_a_body_over_the_limit_is_a_400(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"username": "' + "x" * 2000 + '", "password": "y"}'

    response = api_client.post(
        "/api/v1/auth/token/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_broken_json_is_a_400(api_client):
    response = api_client.post(
        "/api/v1/auth/token/", b'{"username": \xff', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.fixture
def demo_tokens(api_client):
    call_command("seed_demo", "--password", "prova-ostile-66", verbosity=0)
    tokens = {}
    for username in ("sala", "regione", "direttore"):
        answer = api_client.post(
            "/api/v1/auth/token/",
            {"username": username, "password": "prova-ostile-66"},
        )
        tokens[username] = {"HTTP_AUTHORIZATION": f"Token {answer.json()['token']}"}
    return tokens


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31"])
@pytest.mark.parametrize(
    ("username", "path", "field"),
    [
        ("sala", "/api/v1/branches/roma-centro/reception/stats/?date={}", "date"),
        ("sala", "/api/v1/branches/roma-centro/appointments/?date={}", "date"),
        (
            "sala",
            "/api/v1/branches/roma-centro/lines/socio-sanitari/slots/?from={}",
            "from",
        ),
    ],
)
def test_dates_out_of_range_are_field_errors(
    api_client, demo_tokens, username, path, field, day
):
    response = api_client.get(path.format(day), **demo_tokens[username])

    assert response.status_code == 400
    assert field in response.json()


def test_a_plan_period_out_of_range_is_a_field_error(api_client, demo_tokens):
    response = api_client.post(
        "/api/v1/training-plans/",
        {
            "branch": "roma-centro",
            "title": "Per sempre",
            "period_start": "2027-01-01",
            "period_end": "9999-12-31",
        },
        format="json",
        **demo_tokens["direttore"],
    )

    assert response.status_code == 400
    assert "period_end" in response.json()
