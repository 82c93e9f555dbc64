from typing import Any

from django.core.management.base import BaseCommand

from consulenza.models import BacklogFlag
from consulenza.selectors import meeting_point_gaps
from consulenza.services import backlog_flag


class Command(BaseCommand):
    help = (
        "Run the consultation backlog job once, synchronously (the code the "
        "hourly Celery beat entry runs): flag every (branch, line) whose first "
        "free slot lies more than 30 days ahead."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        flags = backlog_flag()
        for flag in flags:
            days = "—" if flag.backlog_days is None else str(flag.backlog_days)
            self.stdout.write(
                f"{flag.branch.code:<20} {flag.line.code:<24} {flag.level:<8} "
                f"{days:>4} days, {flag.meeting_points} meeting point(s), "
                f"{flag.recommended_meeting_points} recommended"
            )
        for branch, line in meeting_point_gaps():
            self.stdout.write(
                self.style.WARNING(f"{branch.code}: no meeting point for {line.code}")
            )
        flagged = sum(1 for f in flags if f.level == BacklogFlag.Level.FLAGGED)
        self.stdout.write(
            self.style.SUCCESS(f"{len(flags)} line(s) checked, {flagged} flagged.")
        )
