import json
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


def test_a_path_segment_of_the_wrong_type_answers_json_404(api_client):
    # Letters where a counter id goes never reach a view: the URL conf's own
    # 404 answers, and under /api/ it answers as the API does.
    response = api_client.post("/api/v1/counters/abc/call-next/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Non trovato."}


def test_an_unknown_page_still_answers_a_page(client):
    response = client.get("/pagina-che-non-esiste/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_an_api_server_error_answers_json(rf):
    from frontoffice.common.views import error_500

    response = error_500(rf.get("/api/v1/branches/"))

    assert response.status_code == 500
    assert json.loads(response.content)["code"] == "server_error"


def test_an_error_is_json_even_when_a_csv_was_asked(api_client):
    api_client.force_login(UserFactory.create(is_superuser=True))

    response = api_client.get(
        "/api/v1/reports/training-plans/", {"format": "csv", "period": "1999"}
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "period" in response.json()


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_schema_documents_the_errors_every_operation_can_give(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    operations = _operations(schema)

    for path, method, operation in operations:
        documented = set(operation["responses"])
        assert {"400", "404"} <= documented, (method, path)
        if method in {"post", "put", "patch", "delete"}:
            assert "409" in documented, (method, path)
        if operation.get("security") != [{}]:
            assert {"401", "403"} <= documented, (method, path)
    issue = schema["paths"]["/api/v1/branches/{branch}/tickets/"]["post"]
    assert "429" in issue["responses"]
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "detail"}


def test_paginated_lists_are_declared_as_pages(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()

    for path in (
        "/api/v1/training-plans/",
        "/api/v1/escalations/",
        "/api/v1/branches/{branch}/protocol/",
    ):
        operation = schema["paths"][path]["get"]
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
        name = ok["$ref"].rsplit("/", 1)[1]
        page = schema["components"]["schemas"][name]
        assert set(page["properties"]) == {"count", "next", "previous", "results"}
        assert {"page", "page_size"} <= {p["name"] for p in operation["parameters"]}


def test_a_database_that_drops_the_connection_answers_503(api_client):
    # The database going away is outside the product: every statement fails
    # here as on a dropped connection; tests/integration/test_database_restart.py
    # proves it for real against PostgreSQL.
    from django.db import OperationalError, connection

    api_client.force_login(UserFactory.create(is_superuser=True))

    def gone(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(gone):
        response = api_client.get("/api/v1/branches/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "database_unavailable"
