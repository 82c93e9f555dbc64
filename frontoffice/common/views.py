import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from frontoffice.common.access import PUBLIC, access
from frontoffice.common.api import (
    DATABASE_DOWN,
    RETRY_AFTER_SECONDS,
    database_unavailable_body,
)
from frontoffice.common.services import health_report, readiness_report


@access(GET=PUBLIC)
def liveness(request: HttpRequest) -> JsonResponse:
    """Answer 200 while the process runs (no database, no cache)."""
    return JsonResponse({"ok": True})


@access(GET=PUBLIC)
def readiness(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database and the cache answer, else 503."""
    report = readiness_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)


@access(GET=PUBLIC)
def health(request: HttpRequest) -> JsonResponse:
    """Report database, cache and worker state; 503 when something is down."""
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)


def login_locked_out(
    request: HttpRequest, *args: object, **kwargs: object
) -> HttpResponse:
    """Answer a login refused after too many failures (429), page or API."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    detail = _(
        "Troppi tentativi di accesso non riusciti: riprovi tra %(minutes)d minuti "
        "o si rivolga al funzionario di sala."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "too_many_attempts", "detail": detail}, status=429)
    return render(
        request, "registration/locked_out.html", {"detail": detail}, status=429
    )


def _api_error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer 400 outside any view: JSON under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return _api_error(400, "bad_request", _("Richiesta non valida."))
    return defaults.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer 404 for an unknown address: JSON under /api/, a page elsewhere.

    A path segment of the wrong type (letters where a counter id goes) never
    reaches a view, so the API's own handler cannot shape this answer.
    """
    if request.path.startswith("/api/"):
        return _api_error(404, "not_found", _("Non trovato."))
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer 500: JSON under /api/, the site's page elsewhere.

    A database that dropped or refuses connections (a restart) is not a
    fault of the product: the answer is 503 with ``Retry-After``, and the
    next request opens a new connection.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_DOWN):
        body = database_unavailable_body()
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(body, status=503)
        else:
            response = HttpResponse(
                body["detail"], status=503, content_type="text/plain; charset=utf-8"
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if request.path.startswith("/api/"):
        return _api_error(
            500, "server_error", _("Errore del server: l'operazione non è riuscita.")
        )
    return defaults.server_error(request)
