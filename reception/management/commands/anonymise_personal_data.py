from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reception.services import personal_data_anonymise


class Command(BaseCommand):
    help = (
        "Clear citizens' personal data past PERSONAL_DATA_RETENTION_DAYS "
        "(appointments, CRIC escalations, protocol senders); the daily Celery "
        "beat job runs the same code. Running it again clears nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be cleared, write nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = personal_data_anonymise(dry_run=options["dry_run"])
        verb = "would be cleared" if options["dry_run"] else "cleared"
        for kind, count in counts.items():
            self.stdout.write(f"{kind:<18} {count:>6} {verb}")
