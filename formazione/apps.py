from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormazioneConfig(AppConfig):
    name = "formazione"
    verbose_name = _("Formazione")
