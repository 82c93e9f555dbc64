import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from rest_framework import exceptions

from frontoffice.common.api import exception_handler
from frontoffice.common.exceptions import ApplicationError


def test_application_error_becomes_409_with_code_and_italian_detail():
    error = ApplicationError(
        code="outside_hours",
        detail="Il servizio è chiuso in questo momento.",
        extra={"opens_at": "08:30"},
    )

    response = exception_handler(error, {})

    assert response is not None
    assert response.status_code == 409
    assert response.data == {
        "code": "outside_hours",
        "detail": "Il servizio è chiuso in questo momento.",
        "opens_at": "08:30",
    }


def test_django_validation_error_becomes_400_with_field_errors():
    error = ValidationError({"fiscal_code": ["Codice fiscale non valido."]})

    response = exception_handler(error, {})

    assert response is not None
    assert response.status_code == 400
    assert response.data == {"fiscal_code": ["Codice fiscale non valido."]}


def test_django_validation_error_without_field_goes_to_non_field_errors():
    response = exception_handler(ValidationError("Credenziali non valide."), {})

    assert response is not None
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Credenziali non valide."]}


def test_model_wide_validation_errors_go_to_non_field_errors():
    error = ValidationError({"__all__": ["Indicare una sede oppure una regione."]})

    response = exception_handler(error, {})

    assert response is not None
    assert response.data == {
        "non_field_errors": ["Indicare una sede oppure una regione."]
    }


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (Http404("roma-centro"), 404, "not_found"),
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.PermissionDenied(), 403, "permission_denied"),
        (exceptions.MethodNotAllowed("GET"), 405, "method_not_allowed"),
    ],
)
def test_plain_errors_carry_a_machine_code(error, status, code):
    response = exception_handler(error, {})

    assert response is not None
    assert response.status_code == status
    assert response.data["code"] == code
    assert "roma-centro" not in str(response.data["detail"])


def test_unexpected_errors_are_left_to_django():
    assert exception_handler(RuntimeError("boom"), {}) is None
