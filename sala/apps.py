from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalaConfig(AppConfig):
    name = "sala"
    verbose_name = _("Sala")
