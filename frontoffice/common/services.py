"""Operational services: the worker heartbeat and the health report."""

from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

HEARTBEAT_KEY = "frontoffice:worker-heartbeat"
# Beat sends a heartbeat every minute: older than this, the worker is late.
HEARTBEAT_MAX_AGE_SECONDS = 180


def worker_heartbeat_record(*, at: datetime | None = None) -> datetime:
    """Record in the shared cache that a Celery worker ran a task at ``at``."""
    at = at or timezone.now()
    cache.set(HEARTBEAT_KEY, at.isoformat(), timeout=24 * 3600)
    return at


def worker_heartbeat_get() -> datetime | None:
    """Return when a worker last ran the heartbeat, or None if never seen."""
    try:
        value = cache.get(HEARTBEAT_KEY)
    except Exception:  # an unreachable cache reads as "never seen"
        return None
    return datetime.fromisoformat(value) if value else None


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # reported, not raised: this is a health check
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _cache_state() -> str:
    try:
        cache.set("frontoffice:health", "1", timeout=10)
        return "ok" if cache.get("frontoffice:health") == "1" else "error"
    except Exception as exc:  # reported, not raised: this is a health check
        return f"error: {exc.__class__.__name__}"


def readiness_report() -> dict[str, object]:
    """Return whether this process can serve: database and cache (the broker).

    With ``REDIS_URL`` set the cache is Redis, the Celery broker too; a
    load balancer stops sending requests while either is down.
    """
    report: dict[str, object] = {"database": _database_state(), "cache": _cache_state()}
    report["ok"] = report["database"] == "ok" and report["cache"] == "ok"
    return report


def health_report() -> dict[str, object]:
    """Return the state of the database, the cache and the background worker."""
    report: dict[str, object] = {"database": _database_state(), "cache": _cache_state()}
    if settings.CELERY_TASK_ALWAYS_EAGER:
        report["worker"] = "eager"
    else:
        seen = worker_heartbeat_get()
        late = (
            seen is None
            or (timezone.now() - seen).total_seconds() > HEARTBEAT_MAX_AGE_SECONDS
        )
        report["worker"] = "late" if late else "ok"
        report["worker_last_seen"] = seen.isoformat() if seen else None
    report["ok"] = all(
        report[key] in ("ok", "eager") for key in ("database", "cache", "worker")
    )
    return report
