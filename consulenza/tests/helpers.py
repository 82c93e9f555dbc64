"""Helpers of the agenda's tests."""

import datetime

from consulenza.models import Appointment, MeetingPoint
from consulenza.selectors import day_slot_starts
from sedi import calendar

FISCAL_CODE = "RSSMRA85T10A562S"


def fill(point: MeetingPoint, first: datetime.date, last: datetime.date) -> int:
    """Book every slot of ``point`` from ``first`` to ``last`` (one bulk insert)."""
    rows = []
    day = first
    while day <= last:
        if calendar.consultation_day(branch=point.branch, day=day):
            for start, end in day_slot_starts(slot_minutes=point.slot_minutes, day=day):
                rows.append(
                    Appointment(
                        meeting_point=point,
                        start=start,
                        end=end,
                        fiscal_code=FISCAL_CODE,
                        first_name="Anna",
                        last_name="Piena",
                        channel="ccm",
                    )
                )
        day += datetime.timedelta(days=1)
    Appointment.objects.bulk_create(rows)
    return len(rows)
