"""Codice fiscale: validation and masking, shared by every app."""

from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def fiscal_code_clean(value: str, *, field: str = "fiscal_code") -> str:
    """Return the codice fiscale upper-cased, or raise a field ValidationError.

    The check covers format, checksum, birth date and omocodia variants.
    The value itself never appears in the error message.
    """
    normalised = (value or "").strip().upper()
    if len(normalised) != 16 or not codicefiscale.is_valid(normalised):
        raise ValidationError({field: [_("Codice fiscale non valido.")]})
    return normalised


def fiscal_code_mask(value: str) -> str:
    """Return a codice fiscale as lists show it, its middle hidden.

    ``RSSMRA80A01H501U`` → ``RSSMRA******501U``: enough for the person to
    recognise it, not enough to reuse it.
    """
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
