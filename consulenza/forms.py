"""The booking form of the reception and contact-centre page."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from consulenza.models import Channel
from frontoffice.common.api import DATE_MAX, DATE_MIN
from frontoffice.common.fiscal_code import fiscal_code_clean


class BookingForm(forms.Form):
    """A citizen's request; ``start`` empty means the first free slot."""

    start = forms.CharField(label=_("Orario"), required=False, max_length=40)
    topic = forms.CharField(label=_("Argomento"), required=False, max_length=80)
    fiscal_code = forms.CharField(label=_("Codice fiscale"), max_length=16)
    first_name = forms.CharField(label=_("Nome"), max_length=100)
    last_name = forms.CharField(label=_("Cognome"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.RegexField(
        label=_("Telefono"),
        regex=r"^\+?[0-9 ./-]{5,30}$",
        required=False,
        max_length=30,
        error_messages={"invalid": _("Numero di telefono non valido.")},
    )
    channel = forms.ChoiceField(label=_("Canale"), choices=Channel.choices)

    def clean_fiscal_code(self) -> str:
        try:
            return fiscal_code_clean(self.cleaned_data["fiscal_code"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["fiscal_code"]) from None

    def clean_start(self) -> datetime.datetime | None:
        value = self.cleaned_data["start"]
        if not value:
            return None
        try:
            start = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(_("Orario non valido.")) from None
        if start.tzinfo is None or not DATE_MIN <= start.date() <= DATE_MAX:
            raise ValidationError(_("Orario non valido."))
        return start

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "start": data["start"],
            "topic_code": data["topic"] or None,
            "channel": data["channel"],
        }
