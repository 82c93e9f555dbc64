from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from frontoffice.common.models import BaseModel


class Counter(BaseModel):
    """A physical counter (sportello) of a branch.

    A counter is tied to a line only while a shift is open on it; several
    counters on the same line are the guideline's "cloned" counters.
    """

    branch = models.ForeignKey(
        "sedi.Branch",
        on_delete=models.PROTECT,
        related_name="counters",
        verbose_name=_("sede"),
    )
    number = models.PositiveSmallIntegerField(_("numero"))
    name = models.CharField(_("nome"), max_length=60)
    is_active = models.BooleanField(_("in uso"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sportello")
        verbose_name_plural = _("sportelli")
        ordering = ["branch", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "number"], name="counter_branch_number"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Shift(BaseModel):
    """An operator serving one line at one counter, from open to close."""

    counter = models.ForeignKey(
        Counter,
        on_delete=models.PROTECT,
        related_name="shifts",
        verbose_name=_("sportello"),
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="shifts",
        verbose_name=_("operatore"),
    )
    line = models.ForeignKey(
        "sedi.ServiceLine",
        on_delete=models.PROTECT,
        related_name="shifts",
        verbose_name=_("linea"),
    )
    opened_at = models.DateTimeField(_("aperto alle"), default=timezone.now)
    paused_at = models.DateTimeField(_("in pausa dalle"), null=True, blank=True)
    closed_at = models.DateTimeField(_("chiuso alle"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chiuso da"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("turno")
        verbose_name_plural = _("turni")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["counter"],
                condition=Q(closed_at__isnull=True),
                name="shift_one_open_per_counter",
            ),
            models.UniqueConstraint(
                fields=["operator"],
                condition=Q(closed_at__isnull=True),
                name="shift_one_open_per_operator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counter} — {self.line} ({self.operator})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_paused(self) -> bool:
        return self.closed_at is None and self.paused_at is not None


class TicketSequence(BaseModel):
    """The last number issued per branch, line and day: the locked counter row."""

    branch = models.ForeignKey(
        "sedi.Branch", on_delete=models.CASCADE, related_name="+"
    )
    line = models.ForeignKey(
        "sedi.ServiceLine", on_delete=models.CASCADE, related_name="+"
    )
    issued_on = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("numeratore")
        verbose_name_plural = _("numeratori")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "line", "issued_on"], name="ticketsequence_day"
            )
        ]


class Ticket(BaseModel):
    """A queue ticket (biglietto), e.g. ``D007``: line letter and daily number."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("In attesa")
        CALLED = "called", _("Chiamato")
        COMPLETED = "completed", _("Servito")
        NO_SHOW = "no_show", _("Assente alla chiamata")
        EXPIRED = "expired", _("Non servito a fine mattinata")

    class Channel(models.TextChoices):
        RECEPTION = "reception", _("Reception")
        KIOSK = "kiosk", _("Totem")

    class CallReason(models.TextChoices):
        PRIORITY = "priority", _("Precedenza di legge")
        ORDER = "order", _("Ordine di arrivo")
        ANTI_STARVATION = "anti_starvation", _("Ordinario dopo una serie di precedenze")

    branch = models.ForeignKey(
        "sedi.Branch",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("sede"),
    )
    line = models.ForeignKey(
        "sedi.ServiceLine",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("linea"),
    )
    # The letter is kept: a ticket transferred to another line keeps its code.
    letter = models.CharField(_("lettera"), max_length=1)
    issued_on = models.DateField(_("giorno"))
    number = models.PositiveSmallIntegerField(_("numero"))
    issued_at = models.DateTimeField(_("emesso alle"))
    channel = models.CharField(_("canale"), max_length=16, choices=Channel.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("emesso da"),
    )
    priority = models.BooleanField(_("precedenza"), default=False)
    public_code = models.CharField(_("codice pubblico"), max_length=32, unique=True)
    status = models.CharField(
        _("stato"), max_length=16, choices=Status.choices, default=Status.WAITING
    )
    counter = models.ForeignKey(
        Counter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("sportello"),
    )
    shift = models.ForeignKey(
        Shift,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("turno"),
    )
    called_at = models.DateTimeField(_("chiamato alle"), null=True, blank=True)
    call_reason = models.CharField(
        _("motivo della chiamata"),
        max_length=16,
        choices=CallReason.choices,
        blank=True,
    )
    recalled_at = models.DateTimeField(_("richiamato alle"), null=True, blank=True)
    recall_count = models.PositiveSmallIntegerField(_("richiami"), default=0)
    finished_at = models.DateTimeField(_("chiuso alle"), null=True, blank=True)
    services = models.ManyToManyField(
        "sedi.Service",
        blank=True,
        related_name="tickets",
        verbose_name=_("servizi resi"),
    )

    class Meta:
        verbose_name = _("biglietto")
        verbose_name_plural = _("biglietti")
        ordering = ["issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "letter", "issued_on", "number"],
                name="ticket_daily_number",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=999),
                name="ticket_number_three_digits",
            ),
        ]
        indexes = [
            models.Index(
                fields=["branch", "line", "status", "issued_on"],
                name="ticket_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """Return the printed code, e.g. ``D007``."""
        return f"{self.letter}{self.number:03d}"


class TicketEvent(BaseModel):
    """Who did what to a ticket, and when: every state change is recorded."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Emesso")
        CALLED = "called", _("Chiamato")
        RECALLED = "recalled", _("Richiamato")
        COMPLETED = "completed", _("Servito")
        NO_SHOW = "no_show", _("Assente")
        TRANSFERRED = "transferred", _("Trasferito")
        EXPIRED = "expired", _("Non servito a fine mattinata")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("evento"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("alle"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("da"),
    )
    counter = models.ForeignKey(
        Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(_("dettagli"), default=dict, blank=True)

    class Meta:
        verbose_name = _("evento del biglietto")
        verbose_name_plural = _("eventi dei biglietti")
        ordering = ["at", "pk"]
