from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _

from frontoffice.common.access import PUBLIC, access
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
# Django calls these (``handler403``/``404``/``500`` in the URL conf) when
# DEBUG is off. A page answers in the site's look; the API answers JSON, as
# every other API error does.


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a refused page in the site's look, or the API's JSON."""
    if _is_api(request):
        return JsonResponse(
            {
                "code": "permission_denied",
                "detail": _("Non ha i permessi per questa operazione."),
            },
            status=403,
        )
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a missing page in the site's look, or the API's JSON."""
    if _is_api(request):
        return JsonResponse(
            {"code": "not_found", "detail": _("Risorsa non trovata.")}, status=404
        )
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    """Answer an unexpected failure without touching the database.

    The template stands alone (no context processors, no user, no
    messages): whatever broke must not break the error page too.
    """
    if _is_api(request):
        return JsonResponse(
            {
                "code": "server_error",
                "detail": _("Errore interno: riprovi tra poco."),
            },
            status=500,
        )
    template = loader.get_template("500.html")
    return HttpResponse(template.render(), status=500)


@access(GET=PUBLIC)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Send the browsers' /favicon.ico to the site's icon."""
    return HttpResponseRedirect(static("frontoffice/favicon.svg"))
