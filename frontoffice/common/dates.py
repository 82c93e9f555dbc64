"""Dates as Italian writes them."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import get_language


def long_date(value: datetime.date | None) -> str:
    """Format a date in the long style of the language: "4 ottobre 2026".

    Django's Italian catalogue capitalises month names ("4 Ottobre 2026"),
    which Italian writing does not.
    """
    if value is None:
        return ""
    text = date_format(value, "DATE_FORMAT")
    return text.lower() if (get_language() or "").startswith("it") else text
