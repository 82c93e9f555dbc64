from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Abstract base of every table: creation and update times, in UTC."""

    created_at = models.DateTimeField(_("creato il"), default=timezone.now)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        abstract = True
