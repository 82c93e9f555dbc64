"""How long citizens' personal data are kept, and the batched clearing."""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone


def retention_cutoff(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """Return the moment before which personal data are no longer kept."""
    days = int(getattr(settings, "PERSONAL_DATA_RETENTION_DAYS", 730))
    return (now or timezone.now()) - datetime.timedelta(days=days)


def clear_in_batches(
    rows: QuerySet, *, values: Callable[[datetime.datetime], dict], dry_run: bool
) -> int:
    """Update ``rows`` with ``values(now)`` in batches; return how many.

    Rows are taken by primary key under ``SKIP LOCKED``, so that two runs
    at once clear each row once; each batch commits on its own, so a run
    stopped halfway (a worker killed) keeps what it cleared and the next run
    clears the rest. With ``dry_run`` nothing is written.
    """
    if dry_run:
        return rows.count()
    now = timezone.now()
    size = int(getattr(settings, "PERSONAL_DATA_BATCH_SIZE", 500))
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                rows.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:size]
            )
            if not batch:
                return done
            rows.model._default_manager.filter(pk__in=batch).update(**values(now))
            done += len(batch)
