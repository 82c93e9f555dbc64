from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SediConfig(AppConfig):
    name = "sedi"
    verbose_name = _("Sedi e linee")

    def ready(self) -> None:
        from sedi import scope

        scope.connect_signals()
