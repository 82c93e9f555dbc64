from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsulenzaConfig(AppConfig):
    name = "consulenza"
    verbose_name = _("Consulenza")

    def ready(self) -> None:
        from consulenza import checks  # noqa: F401  (registers the checks)
