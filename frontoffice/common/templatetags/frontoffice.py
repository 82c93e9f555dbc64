"""Template filters shared by the pages."""

import datetime

from django import template
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from frontoffice.common.qr import qr_svg as _qr_svg

register = template.Library()


@register.filter
def long_date(value: datetime.date | None) -> str:
    """Format a date in the long style of the language: "4 ottobre 2026".

    Django's Italian catalogue capitalises month names ("4 Ottobre 2026"),
    which Italian writing does not.
    """
    if value is None:
        return ""
    text = date_format(value, "DATE_FORMAT")
    return text.lower() if (get_language() or "").startswith("it") else text


@register.simple_tag
def qr_svg(url: str) -> SafeString:
    """Draw ``url`` as an inline SVG QR code (see ``frontoffice.common.qr``)."""
    return _qr_svg(url)
