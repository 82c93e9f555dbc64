"""Gapless counters kept in a row per key (ticket numbers, protocol numbers)."""

from typing import Any

from django.db import connection, models
from django.utils import timezone


def sequence_next(
    model: type[models.Model], *, key: dict[str, Any], field: str = "last_number"
) -> int:
    """Increment the counter row of ``model`` matching ``key``; return its value.

    Must run inside the caller's transaction. One statement does it all:
    an ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` creates the row at 1
    or adds one to it, and keeps it locked until commit, so concurrent
    callers queue behind it and a rolled-back caller gives its number back —
    numbers stay unique and gapless. ``model`` needs a unique constraint on
    exactly the key's fields. PostgreSQL and SQLite (3.35+) both speak it.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("sequence_next() must run inside a transaction")
    quote = connection.ops.quote_name
    columns, params = [], []
    for name, value in key.items():
        column = _field(model, name)
        if isinstance(value, models.Model):
            value = value.pk
        columns.append(quote(column.column))
        params.append(column.get_db_prep_save(value, connection))
    now = _field(model, "updated_at").get_db_prep_save(timezone.now(), connection)
    table = quote(model._meta.db_table)
    counter = quote(_field(model, field).column)
    created, updated = quote("created_at"), quote("updated_at")
    placeholders = ", ".join(["%s"] * len(columns))
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}, {counter}, {created}, {updated}) "
        f"VALUES ({placeholders}, 1, %s, %s) "
        f"ON CONFLICT ({', '.join(columns)}) DO UPDATE "
        f"SET {counter} = {table}.{counter} + 1, {updated} = excluded.{updated} "
        f"RETURNING {counter}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, now, now])
        return int(cursor.fetchone()[0])


def _field(model: type[models.Model], name: str) -> models.Field:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found
