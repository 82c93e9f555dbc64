from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SportelliConfig(AppConfig):
    name = "sportelli"
    verbose_name = _("Sportelli")

    def ready(self) -> None:
        from sportelli import signals

        signals.connect_signals()
