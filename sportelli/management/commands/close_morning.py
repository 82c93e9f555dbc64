from typing import Any

from django.core.management.base import BaseCommand

from sportelli.services import tickets_expire


class Command(BaseCommand):
    help = (
        "Close as not served the tickets still waiting after the counters "
        "closed (the same job Celery beat runs at 12:30); safe to repeat."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        closed = tickets_expire()
        self.stdout.write(f"Tickets closed as not served: {closed}")
