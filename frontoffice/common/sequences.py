"""Gapless counters kept in a row per key (ticket numbers, protocol numbers)."""

from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone


def sequence_next(
    model: type[models.Model], *, key: dict[str, Any], field: str = "last_number"
) -> int:
    """Increment the counter row of ``model`` matching ``key``; return its value.

    Must run inside the caller's transaction: the UPDATE locks the row until
    commit, so concurrent callers queue behind it, and a rolled-back caller
    gives its number back — numbers stay unique and gapless. The first call
    for a key creates the row (``model`` needs a unique constraint on the
    key's fields); if a concurrent caller created it first, the constraint
    says so and the UPDATE path is taken.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("sequence_next() must run inside a transaction")
    rows = model._default_manager.filter(**key)
    bump = {field: F(field) + 1, "updated_at": timezone.now()}
    if not rows.update(**bump):
        try:
            with transaction.atomic():
                model._default_manager.create(**key, **{field: 1})
            return 1
        except IntegrityError:
            rows.update(**bump)
    return rows.values_list(field, flat=True).get()
