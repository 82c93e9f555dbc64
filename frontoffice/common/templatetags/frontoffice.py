"""Template tags and filters shared by the pages."""

from django import template
from django.utils.safestring import SafeString

from frontoffice.common.dates import long_date as _long_date
from frontoffice.common.qr import qr_svg as _qr_svg

register = template.Library()
register.filter("long_date", _long_date)


@register.simple_tag
def qr_svg(url: str) -> SafeString:
    """Draw ``url`` as an inline SVG QR code (see ``frontoffice.common.qr``)."""
    return _qr_svg(url)
