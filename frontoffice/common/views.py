from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
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
