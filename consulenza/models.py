"""Consultation agenda (guideline §3): meeting points, appointments, CRIC.

Consultation runs by appointment only, Monday–Thursday 13:30–15:30, in
every branch but an agenzia territoriale. Each line present at a branch has
a meeting point (punto di incontro); more are opened when a line's wait
passes a month. A request that cannot get a slot within 30 days goes to the
regional CRIC as an :class:`Escalation`; an hourly job keeps a
:class:`BacklogFlag` per (branch, line).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from frontoffice.common.fiscal_code import fiscal_code_mask
from frontoffice.common.models import BaseModel


class Channel(models.TextChoices):
    """Where a booking or a request came from (codes of DESIGN.md)."""

    COUNTER = "sportello", _("Sportello (reception)")
    CONTACT_CENTRE = "ccm", _("Contact center multicanale")
    WEB = "web", _("Web")


class MeetingPoint(BaseModel):
    """A meeting point (punto di incontro) of a line at a branch.

    It offers slots of ``slot_minutes`` from 13:30 on each consultation day
    from ``opened_on`` to ``closed_on`` (both included; no end when null).
    """

    branch = models.ForeignKey(
        "sedi.Branch",
        on_delete=models.PROTECT,
        related_name="meeting_points",
        verbose_name=_("sede"),
    )
    line = models.ForeignKey(
        "sedi.ServiceLine",
        on_delete=models.PROTECT,
        related_name="meeting_points",
        verbose_name=_("linea"),
    )
    name = models.CharField(_("nome"), max_length=120)
    opened_on = models.DateField(_("aperto dal"))
    closed_on = models.DateField(_("chiuso dal"), null=True, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(
        _("durata dell'appuntamento (minuti)"), default=30
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("punto di incontro")
        verbose_name_plural = _("punti di incontro")
        ordering = ["branch__code", "line__position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="meetingpoint_period_ordered",
            ),
            # Between 10 minutes and the whole 13:30–15:30 afternoon.
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=10, slot_minutes__lte=120),
                name="meetingpoint_slot_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: datetime.date) -> bool:
        """Return whether the meeting point takes appointments on ``day``."""
        return self.opened_on <= day and (
            self.closed_on is None or day <= self.closed_on
        )


class CitizenRequest(BaseModel):
    """Who asked for a consultation, and how: shared by appointments and
    escalations. Personal data are the minimum the agenda needs."""

    fiscal_code = models.CharField(_("codice fiscale"), max_length=16)
    first_name = models.CharField(_("nome"), max_length=100)
    last_name = models.CharField(_("cognome"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    topic = models.ForeignKey(
        "sedi.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("argomento"),
    )
    channel = models.CharField(_("canale"), max_length=16, choices=Channel.choices)
    # Set when the retention job cleared the personal data above.
    anonymised_at = models.DateTimeField(_("anonimizzato il"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def fiscal_code_masked(self) -> str:
        """Return the codice fiscale as lists show it (middle hidden)."""
        return fiscal_code_mask(self.fiscal_code)


class Appointment(CitizenRequest):
    """A consultation appointment of a citizen at a meeting point.

    Personal data are the minimum the agenda needs: the codice fiscale
    (upper case, never in URLs or logs), the names and an optional contact.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", _("Prenotato")
        CHECKED_IN = "checked_in", _("Arrivato")
        CLOSED = "closed", _("Definito")
        CANCELLED = "cancelled", _("Annullato")
        NO_SHOW = "no_show", _("Non presentato")

    meeting_point = models.ForeignKey(
        MeetingPoint,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("punto di incontro"),
    )
    start = models.DateTimeField(_("inizio"))
    end = models.DateTimeField(_("fine"))
    status = models.CharField(
        _("stato"), max_length=16, choices=Status.choices, default=Status.BOOKED
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prenotato da"),
    )
    checked_in_at = models.DateTimeField(_("arrivato alle"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annullato il"), null=True, blank=True)
    no_show_at = models.DateTimeField(_("segnato assente il"), null=True, blank=True)
    closed_at = models.DateTimeField(_("definito il"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("definito da"),
    )
    preparation_notes = models.TextField(_("istruttoria"), blank=True)
    outcome = models.TextField(_("definizione"), blank=True)
    confirmation_sent_at = models.DateTimeField(
        _("conferma inviata il"), null=True, blank=True
    )
    reminded_at = models.DateTimeField(
        _("promemoria inviato il"), null=True, blank=True
    )

    # Who changed what, when; the citizen's data stay out of the history
    # (they are cleared by the retention job, the history would keep them).
    history = HistoricalRecords(
        excluded_fields=[
            "fiscal_code",
            "first_name",
            "last_name",
            "email",
            "phone",
            "preparation_notes",
            "outcome",
        ]
    )

    class Meta:
        verbose_name = _("appuntamento")
        verbose_name_plural = _("appuntamenti")
        ordering = ["start", "meeting_point_id"]
        constraints = [
            # No double booking, ever: one live appointment per slot. A
            # cancelled appointment leaves the slot free for another.
            models.UniqueConstraint(
                fields=["meeting_point", "start"],
                condition=~Q(status="cancelled"),
                name="appointment_one_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="appointment_end_after_start"
            ),
            # Consultation counts as production: a closed appointment has
            # both its preparation (istruttoria) and its outcome.
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (~Q(preparation_notes="") & ~Q(outcome="")),
                name="appointment_closed_has_notes_and_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "start"], name="appointment_status_start"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_point} {self.start:%Y-%m-%d %H:%M}"


class Escalation(CitizenRequest):
    """A request sent to the regional CRIC: no slot within 30 days."""

    class Status(models.TextChoices):
        OPEN = "open", _("Aperta")
        RESOLVED = "resolved", _("Risolta")

    branch = models.ForeignKey(
        "sedi.Branch",
        on_delete=models.PROTECT,
        related_name="escalations",
        verbose_name=_("sede"),
    )
    line = models.ForeignKey(
        "sedi.ServiceLine",
        on_delete=models.PROTECT,
        related_name="escalations",
        verbose_name=_("linea"),
    )
    requested_at = models.DateTimeField(_("richiesta il"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inoltrata da"),
    )
    status = models.CharField(
        _("stato"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.TextField(_("esito"), blank=True)
    resolved_at = models.DateTimeField(_("risolta il"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("risolta da"),
    )

    # Who changed what, when; the citizen's data stay out of the history
    # (they are cleared by the retention job, the history would keep them).
    history = HistoricalRecords(
        excluded_fields=[
            "fiscal_code",
            "first_name",
            "last_name",
            "email",
            "phone",
            "outcome",
        ]
    )

    class Meta:
        verbose_name = _("richiesta inoltrata al CRIC")
        verbose_name_plural = _("richieste inoltrate al CRIC")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open")
                | (Q(resolved_at__isnull=False) & ~Q(outcome="")),
                name="escalation_resolved_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} — {self.line} ({self.requested_at:%Y-%m-%d})"


class BacklogFlag(BaseModel):
    """The backlog of one line at one branch, as the hourly job last saw it."""

    class Level(models.TextChoices):
        OK = "ok", _("Nei tempi")
        WARNING = "warning", _("Attenzione (oltre 21 giorni)")
        FLAGGED = "flagged", _("Oltre 30 giorni")

    branch = models.ForeignKey(
        "sedi.Branch",
        on_delete=models.CASCADE,
        related_name="backlog_flags",
        verbose_name=_("sede"),
    )
    line = models.ForeignKey(
        "sedi.ServiceLine",
        on_delete=models.CASCADE,
        related_name="backlog_flags",
        verbose_name=_("linea"),
    )
    first_free_slot = models.DateTimeField(
        _("primo posto libero"),
        null=True,
        blank=True,
        help_text=_("Vuoto quando non c'è posto entro l'orizzonte di calcolo."),
    )
    backlog_days = models.PositiveIntegerField(
        _("giorni di attesa"), null=True, blank=True
    )
    meeting_points = models.PositiveSmallIntegerField(_("punti di incontro"))
    level = models.CharField(_("livello"), max_length=16, choices=Level.choices)
    flagged_since = models.DateTimeField(_("segnalata dal"), null=True, blank=True)
    recommended_meeting_points = models.PositiveSmallIntegerField(
        _("punti di incontro consigliati")
    )
    computed_at = models.DateTimeField(_("calcolata il"))
    notified_at = models.DateTimeField(_("regione avvisata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("segnalazione di attesa")
        verbose_name_plural = _("segnalazioni di attesa")
        ordering = ["branch__code", "line__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "line"], name="backlogflag_branch_line"
            ),
            models.CheckConstraint(
                condition=Q(level="flagged", flagged_since__isnull=False)
                | (~Q(level="flagged") & Q(flagged_since__isnull=True)),
                name="backlogflag_since_iff_flagged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} — {self.line}: {self.level}"

    @property
    def flagged(self) -> bool:
        return self.level == self.Level.FLAGGED
