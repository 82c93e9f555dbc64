"""What the floor supervisor keeps: cloned counters and the action log.

Everything else the dashboard shows belongs to the other apps and is read
through their selectors.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from frontoffice.common.models import BaseModel


class CounterClone(BaseModel):
    """A counter opened for a line at a peak, for a window (guideline §2).

    The shift it opened is the operator's ordinary shift: the counter calls,
    serves and closes as any other. The clone keeps why, by whom, and until
    when the supervisor wanted it.
    """

    branch = models.ForeignKey(
        "sedi.Branch",
        on_delete=models.PROTECT,
        related_name="counter_clones",
        verbose_name=_("sede"),
    )
    line = models.ForeignKey(
        "sedi.ServiceLine",
        on_delete=models.PROTECT,
        related_name="counter_clones",
        verbose_name=_("linea"),
    )
    counter = models.ForeignKey(
        "sportelli.Counter",
        on_delete=models.PROTECT,
        related_name="clones",
        verbose_name=_("sportello"),
    )
    shift = models.OneToOneField(
        "sportelli.Shift",
        on_delete=models.PROTECT,
        related_name="clone",
        verbose_name=_("turno"),
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("operatore"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("disposto da"),
    )
    reason = models.CharField(_("motivo"), max_length=200)
    starts_at = models.DateTimeField(_("dalle"))
    ends_at = models.DateTimeField(_("fino alle"))
    ended_at = models.DateTimeField(_("terminato alle"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("terminato da"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sportello clonato")
        verbose_name_plural = _("sportelli clonati")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="counterclone_window_ordered",
            ),
            models.UniqueConstraint(
                fields=["counter"],
                condition=Q(ended_at__isnull=True),
                name="counterclone_one_live_per_counter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counter} — {self.line} ({self.starts_at:%Y-%m-%d})"

    @property
    def is_live(self) -> bool:
        return self.ended_at is None


class SupervisorAction(BaseModel):
    """One action of the floor supervisor or the director: who, when, why."""

    class Kind(models.TextChoices):
        CLONE_OPEN = "clone_open", _("Sportello clonato")
        CLONE_END = "clone_end", _("Fine dello sportello clonato")
        LINE_OPEN = "line_open", _("Linea aperta")
        LINE_CLOSE = "line_close", _("Linea chiusa")
        COUNTER_PAUSE = "counter_pause", _("Sportello messo in pausa")
        COUNTER_CLOSE = "counter_close", _("Sportello chiuso")
        MEETING_POINT_OPEN = "meeting_point_open", _("Punto di incontro aperto")

    branch = models.ForeignKey(
        "sedi.Branch",
        on_delete=models.PROTECT,
        related_name="supervisor_actions",
        verbose_name=_("sede"),
    )
    kind = models.CharField(_("azione"), max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("da"),
    )
    at = models.DateTimeField(_("alle"))
    reason = models.CharField(_("motivo"), max_length=200)
    line = models.ForeignKey(
        "sedi.ServiceLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linea"),
    )
    counter = models.ForeignKey(
        "sportelli.Counter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sportello"),
    )
    data = models.JSONField(_("dettagli"), default=dict, blank=True)

    class Meta:
        verbose_name = _("azione del funzionario di sala")
        verbose_name_plural = _("azioni del funzionario di sala")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.at:%Y-%m-%d %H:%M}"


class BacklogForecastNotice(BaseModel):
    """A warning sent to the region: a line's agenda heads past 30 days.

    One open notice per (branch, line) while the forecast keeps warning;
    it is closed when the forecast no longer does, so that a later warning
    is sent again.
    """

    branch = models.ForeignKey(
        "sedi.Branch",
        on_delete=models.CASCADE,
        related_name="backlog_forecast_notices",
        verbose_name=_("sede"),
    )
    line = models.ForeignKey(
        "sedi.ServiceLine",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("linea"),
    )
    passes_limit_on = models.DateField(_("oltre 30 giorni dal"))
    meeting_points_needed = models.PositiveSmallIntegerField(
        _("punti di incontro che lo eviterebbero"), null=True, blank=True
    )
    notified_at = models.DateTimeField(_("regione avvisata il"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("rientrata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("previsione di attesa segnalata")
        verbose_name_plural = _("previsioni di attesa segnalate")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "line"],
                condition=Q(cleared_at__isnull=True),
                name="backlogforecastnotice_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch} — {self.line}: {self.passes_limit_on}"
