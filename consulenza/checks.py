"""System check: every consulting branch has a meeting point per line.

Registered with the ``database`` tag, so it runs only when asked for
(``manage.py check --database default``), never at start-up before
migrations.
"""

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database)
def meeting_points_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn about each (branch, line) lacking a meeting point today."""
    if not kwargs.get("databases"):
        return []
    from consulenza.selectors import meeting_point_gaps

    try:
        gaps = meeting_point_gaps()
    except DatabaseError:  # not migrated yet
        return []
    return [
        Warning(
            f"Branch {branch.code} has no meeting point for line {line.code}.",
            hint="Open one in the admin (Consulenza › Punti di incontro).",
            id="consulenza.W001",
        )
        for branch, line in gaps
    ]
