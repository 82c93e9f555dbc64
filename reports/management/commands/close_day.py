"""``manage.py close_day [--from DAY --to DAY]``: the daily summaries, by hand."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontoffice.common.exceptions import ApplicationError
from reports.services import days_close, days_close_pending


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = (
        "Close days into the report summaries: with no option, yesterday and "
        "any day left open (as the nightly job); with --from/--to, that range "
        "again (corrections made after a day closed are picked up)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", type=_day)
        parser.add_argument("--to", dest="date_to", type=_day)

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = options["date_from"], options["date_to"]
        try:
            if date_from is None and date_to is None:
                closed = days_close_pending()
            else:
                if date_to is None:
                    date_to = date_from
                if date_from is not None and date_from > date_to:
                    raise CommandError("--from is after --to")
                closed = days_close(date_from=date_from, date_to=date_to)
        except ApplicationError as exc:
            raise CommandError(str(exc.detail)) from exc
        if closed:
            self.stdout.write(
                f"{len(closed)} days closed, {closed[0]} to {closed[-1]}."
            )
        else:
            self.stdout.write("No day to close.")
