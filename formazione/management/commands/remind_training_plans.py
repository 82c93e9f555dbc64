from typing import Any

from django.core.management.base import BaseCommand

from formazione.services import plan_reminders_send


class Command(BaseCommand):
    help = (
        "E-mail the director of every branch whose training plan is still "
        "unsent 15 days before its first course (the daily Celery beat job)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = plan_reminders_send()
        self.stdout.write(self.style.SUCCESS(f"{sent} reminder(s) sent."))
