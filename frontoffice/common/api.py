"""API plumbing shared by every app: the exception handler."""

import datetime
from typing import Any

from django import db
from django.contrib.auth.models import User
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    RequestDataTooBig,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from frontoffice.common.exceptions import ApplicationError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Shape every API error as the design asks, always as JSON.

    An error is JSON even when the caller asked for a CSV export: a
    spreadsheet of one validation message would hide it.
    """
    response = _error_response(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def _error_response(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Shape every API error as the design asks.

    - ``ApplicationError`` → 409 ``{"code", "detail"}`` (plus any extra keys);
    - Django ``ValidationError`` raised by a service → 400 with field errors;
    - other DRF errors keep their status; a plain message also gets a ``code``.
    """
    if isinstance(exc, ApplicationError):
        body = {"code": exc.code, "detail": exc.detail, **exc.extra}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DATABASE_DOWN):
        return database_unavailable_response()
    if isinstance(exc, DjangoValidationError):
        errors = as_serializer_error(exc)
        if NON_FIELD_ERRORS in errors:
            key = api_settings.NON_FIELD_ERRORS_KEY
            errors[key] = errors.pop(NON_FIELD_ERRORS)
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = exceptions.ParseError(_("Il corpo della richiesta è troppo grande."))

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException) and isinstance(response.data, dict):
        detail = response.data.get("detail")
        if detail is not None and "code" not in response.data:
            codes = exc.get_codes()
            response.data["code"] = (
                codes.get("detail", exc.default_code)
                if isinstance(codes, dict)
                else codes
            )
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response.data.setdefault("code", "not_authenticated")
    return response


# The database dropped the connection or refuses new ones (a restart, a
# failover): the request is refused cleanly and nothing half-written stays,
# since every write runs in a transaction. Django opens a new connection for
# the next request, so the process recovers on its own.
DATABASE_DOWN = (db.OperationalError, db.InterfaceError)
RETRY_AFTER_SECONDS = 5


def database_unavailable_body() -> dict[str, str]:
    """Return the 503 body of a request the database could not serve."""
    return {
        "code": "database_unavailable",
        "detail": _(
            "Il servizio è momentaneamente non disponibile: riprovi tra pochi secondi."
        ),
    }


def database_unavailable_response() -> Response:
    """Return the API's 503 for a database that does not answer."""
    return Response(
        database_unavailable_body(),
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def request_user(request: Request) -> User:
    """Return the authenticated user of a request the permissions admitted."""
    user = request.user
    if not isinstance(user, User):
        raise exceptions.NotAuthenticated()
    return user


# Far enough for any real date of this service, near enough that no date
# arithmetic on it (a day after, a week of slots) can overflow.
DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)


class BoundedDateField(serializers.DateField):
    """A date between 2000 and 2100 (400 outside), for filters and inputs."""

    default_error_messages = {
        "out_of_range": _("La data deve essere compresa tra il 2000 e il 2100.")
    }

    def to_internal_value(self, value: Any) -> datetime.date:
        day = super().to_internal_value(value)
        if not DATE_MIN <= day <= DATE_MAX:
            self.fail("out_of_range")
        return day
