from django.http import HttpRequest, JsonResponse

from frontoffice.common.services import health_report


def health(request: HttpRequest) -> JsonResponse:
    """Report database, cache and worker state; 503 when something is down."""
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)
