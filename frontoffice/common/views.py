import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
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


# --- Error pages --------------------------------------------------------------
# Django calls these (``handler400``/``403``/``404``/``500`` in the URL conf)
# for errors raised outside the API's own handler, e.g. a path segment of the
# wrong type, which never reaches a view. With DEBUG off a page answers in the
# site's look; under /api/ the answer is JSON, as every other API error.


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


def error_400(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer a request refused before any view: JSON under /api/, a page else."""
    if _is_api(request):
        return _api_error(400, "bad_request", _("Richiesta non valida."))
    return defaults.bad_request(request, exception)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a refused page in the site's look, or the API's JSON."""
    if _is_api(request):
        return _api_error(
            403, "permission_denied", _("Non ha i permessi per questa operazione.")
        )
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a missing page in the site's look, or the API's JSON."""
    if _is_api(request):
        # The same words as the API's own 404 (DRF's "Not found.").
        return _api_error(404, "not_found", _("Non trovato."))
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    """Answer an unexpected failure without touching the database.

    A database that dropped or refuses connections (a restart) is not a
    fault of the product: the answer is 503 with ``Retry-After``, and the
    next request opens a new connection. Otherwise the template stands
    alone (no context processors, no user, no messages): whatever broke
    must not break the error page too.
    """
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        body = database_unavailable_body()
        if _is_api(request):
            response: HttpResponse = JsonResponse(body, status=503)
        else:
            response = HttpResponse(
                body["detail"], status=503, content_type="text/plain; charset=utf-8"
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if _is_api(request):
        return _api_error(500, "server_error", _("Errore interno: riprovi tra poco."))
    template = loader.get_template("500.html")
    return HttpResponse(template.render(), status=500)


@access(GET=PUBLIC)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Send the browsers' /favicon.ico to the site's icon."""
    return HttpResponseRedirect(static("frontoffice/favicon.svg"))
