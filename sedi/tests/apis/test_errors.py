import os

import pytest
from django.core.management import call_command

from sedi.tests.factories import BranchFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_wrong_method_answers_405_with_a_code(api_client):
    response = api_client.get("/api/v1/auth/token/")

    assert response.status_code == 405
    assert response.json() == {
        "detail": 'Metodo "GET" non consentito',
        "code": "method_not_allowed",
    }


def test_unknown_branch_answers_404_with_a_code(api_client):
    BranchFactory.create(code="roma-centro")
    api_client.force_login(UserFactory.create(is_superuser=True))

    response = api_client.get("/api/v1/branches/nessuna-sede/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Non trovato.", "code": "not_found"}


def test_malformed_json_answers_400_with_a_code(api_client):
    response = api_client.post(
        "/api/v1/auth/token/", "{non json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_schema_is_public(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    assert {
        "/api/v1/auth/token/",
        "/api/v1/branches/",
        "/api/v1/branches/{branch}/",
        "/api/v1/lines/",
    } <= set(response.json()["paths"])


def test_schema_answers_without_a_format_parameter(api_client):
    response = api_client.get("/api/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")


def test_docs_page_is_public(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    assert "swagger-ui" in response.content.decode()


def test_schema_generates_without_warnings():
    # A warning (two components with one name, a field without a type)
    # means the published contract would be wrong.
    call_command("spectacular", "--fail-on-warn", "--file", os.devnull)


def test_schema_documents_the_training_endpoints(api_client):
    paths = set(api_client.get("/api/schema/", {"format": "json"}).json()["paths"])

    assert {
        "/api/v1/branches/{branch}/qualifications/",
        "/api/v1/reports/training-plans/",
        "/api/v1/training-plans/",
        "/api/v1/training-plans/{plan_id}/submit/",
        "/api/v1/training-plans/{plan_id}/approve/",
        "/api/v1/training-plans/{plan_id}/return/",
    } <= paths
