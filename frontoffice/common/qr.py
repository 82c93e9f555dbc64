"""QR codes drawn on the server as inline SVG (no script, prints well)."""

import segno
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def qr_svg(url: str, *, css_class: str = "ticket-qr") -> SafeString:
    """Return an inline SVG QR code of ``url``.

    segno escapes the title it writes; the rest is generated geometry, so
    the markup is safe to insert as is.
    """
    qr = segno.make(url, error="m")
    return mark_safe(
        qr.svg_inline(
            scale=5,
            border=2,
            title=_("Codice QR del biglietto virtuale"),
            svgclass=css_class,
            lineclass=None,
            omitsize=True,
        )
    )
