"""Staff training (guideline, FORMAZIONE): plans, courses, qualifications.

Each branch sends the regional directorate its training plan before its
courses start; the region approves it or returns it with remarks. Courses
are regional or local, technical-institutional (decertificazione, voucher,
CIG, the manual of immediate services) or role training, in the classroom
or on the job. Completing a course that qualifies for counter lines gives
its participants a :class:`Qualification` for each line: an operator
serves a line only with a live qualification for it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from frontoffice.common.dates import long_date
from frontoffice.common.models import BaseModel


class TrainingPlan(BaseModel):
    """The training plan (piano formativo) of a branch for a period."""

    class State(models.TextChoices):
        DRAFT = "draft", _("In preparazione")
        SUBMITTED = "submitted", _("Inviato alla Direzione regionale")
        APPROVED = "approved", _("Approvato")
        RETURNED = "returned", _("Restituito con osservazioni")

    branch = models.ForeignKey(
        "sedi.Branch",
        on_delete=models.PROTECT,
        related_name="training_plans",
        verbose_name=_("sede"),
    )
    title = models.CharField(_("titolo"), max_length=160)
    period_start = models.DateField(_("periodo dal"))
    period_end = models.DateField(_("periodo al"))
    state = models.CharField(
        _("stato"), max_length=16, choices=State.choices, default=State.DRAFT
    )
    submitted_at = models.DateTimeField(_("inviato il"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inviato da"),
    )
    reviewed_at = models.DateTimeField(_("esaminato il"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("esaminato da"),
    )
    remarks = models.TextField(_("osservazioni della Direzione regionale"), blank=True)
    reminder_sent_at = models.DateTimeField(
        _("promemoria inviato il"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("piano formativo")
        verbose_name_plural = _("piani formativi")
        ordering = ["branch__code", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "period_start"], name="trainingplan_branch_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="trainingplan_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_at__isnull=False),
                name="trainingplan_sent_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} — {self.title}"

    def clean(self) -> None:
        super().clean()
        if (
            self.period_start
            and self.period_end
            and self.period_end < self.period_start
        ):
            raise ValidationError(
                {"period_end": _("La fine del periodo precede il suo inizio.")}
            )

    @property
    def is_editable(self) -> bool:
        """Return whether the director edits it without reopening it."""
        return self.state in (self.State.DRAFT, self.State.RETURNED)


class PlanEvent(BaseModel):
    """One step in a plan's life: who, when, and why."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Creato")
        SUBMITTED = "submitted", _("Inviato alla Direzione regionale")
        APPROVED = "approved", _("Approvato")
        RETURNED = "returned", _("Restituito con osservazioni")
        REOPENED = "reopened", _("Riaperto per modifiche")

    plan = models.ForeignKey(
        TrainingPlan,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("piano formativo"),
    )
    kind = models.CharField(_("evento"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("autore"),
    )
    at = models.DateTimeField(_("quando"))
    note = models.TextField(_("motivo o osservazioni"), blank=True)

    class Meta:
        verbose_name = _("evento del piano")
        verbose_name_plural = _("eventi del piano")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan} — {self.get_kind_display()}"


class Course(BaseModel):
    """A course of a branch's training plan."""

    class Topic(models.TextChoices):
        DECERTIFICATION = "decertificazione", _("La decertificazione")
        VOUCHER = "voucher", _("Il voucher")
        CIG = "cig", _("CIG — Cassa integrazione guadagni")
        IMMEDIATE_SERVICES = (
            "manuale-servizi-immediati",
            _("Il manuale dei servizi immediati"),
        )
        ROLE_RECEPTION = "ruolo-reception", _("Formazione di ruolo: reception")
        ROLE_COUNTER = (
            "ruolo-sportello",
            _("Formazione di ruolo: sportello a ciclo chiuso"),
        )
        ROLE_CONSULTATION = (
            "ruolo-consulenza",
            _("Formazione di ruolo: attività consulenziale"),
        )

    class Kind(models.TextChoices):
        TECHNICAL = "tecnico-istituzionale", _("Tecnico-istituzionale")
        ROLE = "ruolo", _("Di ruolo")

    class Level(models.TextChoices):
        REGIONAL = "regionale", _("Regionale")
        LOCAL = "locale", _("Locale (di sede)")

    class Mode(models.TextChoices):
        CLASSROOM = "aula", _("In aula")
        ON_THE_JOB = "on-the-job", _("On the job")

    ROLE_TOPICS = (Topic.ROLE_RECEPTION, Topic.ROLE_COUNTER, Topic.ROLE_CONSULTATION)

    plan = models.ForeignKey(
        TrainingPlan,
        on_delete=models.CASCADE,
        related_name="courses",
        verbose_name=_("piano formativo"),
    )
    title = models.CharField(_("titolo"), max_length=160)
    topic = models.CharField(_("argomento"), max_length=32, choices=Topic.choices)
    kind = models.CharField(_("tipo"), max_length=32, choices=Kind.choices)
    level = models.CharField(_("livello"), max_length=16, choices=Level.choices)
    mode = models.CharField(_("modalità"), max_length=16, choices=Mode.choices)
    starts_on = models.DateField(_("inizio"))
    ends_on = models.DateField(_("fine"))
    hours = models.DecimalField(
        _("ore"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    trainer = models.CharField(_("docente"), max_length=120)
    lines = models.ManyToManyField(
        "sedi.ServiceLine",
        blank=True,
        related_name="courses",
        verbose_name=_("linee per cui abilita"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("corso")
        verbose_name_plural = _("corsi")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="course_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0), name="course_hours_positive"
            ),
            # Role topics are role training; the others technical.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="ruolo",
                        topic__in=[
                            "ruolo-reception",
                            "ruolo-sportello",
                            "ruolo-consulenza",
                        ],
                    )
                    | (
                        Q(kind="tecnico-istituzionale")
                        & ~Q(
                            topic__in=[
                                "ruolo-reception",
                                "ruolo-sportello",
                                "ruolo-consulenza",
                            ]
                        )
                    )
                ),
                name="course_kind_matches_topic",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def kind_for(cls, topic: str) -> str:
        """Return the kind of training a topic belongs to."""
        return cls.Kind.ROLE if topic in cls.ROLE_TOPICS else cls.Kind.TECHNICAL

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("La fine del corso precede il suo inizio.")
        if self.topic and self.kind and self.kind != self.kind_for(self.topic):
            errors["kind"] = _("Il tipo non corrisponde all'argomento del corso.")
        plan = self.plan if self.plan_id else None
        if (
            plan is not None
            and self.starts_on
            and self.ends_on
            and (self.starts_on < plan.period_start or self.ends_on > plan.period_end)
        ):
            errors["starts_on"] = _(
                "Il corso deve svolgersi nel periodo del piano (%(start)s–%(end)s)."
            ) % {
                "start": long_date(plan.period_start),
                "end": long_date(plan.period_end),
            }
        if errors:
            raise ValidationError(errors)


class Enrollment(BaseModel):
    """A staff member's participation in a course, with attendance."""

    course = models.ForeignKey(
        Course,
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("corso"),
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("partecipante"),
    )
    hours_attended = models.DecimalField(
        _("ore frequentate"), max_digits=5, decimal_places=1, default=Decimal("0")
    )
    completed_on = models.DateField(_("completato il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("iscrizione")
        verbose_name_plural = _("iscrizioni")
        ordering = ["course__starts_on", "participant__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "participant"], name="enrollment_course_participant"
            ),
            models.CheckConstraint(
                condition=Q(hours_attended__gte=0),
                name="enrollment_hours_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.course}"

    @property
    def is_completed(self) -> bool:
        return self.completed_on is not None


class Qualification(BaseModel):
    """An operator's qualification to serve a counter line (abilitazione).

    It comes from a completed course, or from the director with a reason;
    it is revoked with a reason, never deleted. At most one live (not
    revoked) qualification per operator and line.
    """

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="qualifications",
        verbose_name=_("operatore"),
    )
    line = models.ForeignKey(
        "sedi.ServiceLine",
        on_delete=models.PROTECT,
        related_name="qualifications",
        verbose_name=_("linea"),
    )
    since = models.DateField(_("abilitato dal"))
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="qualifications",
        verbose_name=_("dal corso"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concessa da"),
    )
    reason = models.TextField(_("motivo della concessione"), blank=True)
    revoked_at = models.DateTimeField(_("revocata il"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revocata da"),
    )
    revoke_reason = models.TextField(_("motivo della revoca"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("abilitazione")
        verbose_name_plural = _("abilitazioni")
        ordering = ["operator__last_name", "line__position", "-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "line"],
                condition=Q(revoked_at__isnull=True),
                name="qualification_one_live",
            ),
            # From a course, or granted by the director with a reason.
            models.CheckConstraint(
                condition=Q(course__isnull=False)
                | (Q(granted_by__isnull=False) & ~Q(reason="")),
                name="qualification_has_source",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                name="qualification_revoked_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operator} — {self.line}"

    def is_live_on(self, day: datetime.date) -> bool:
        """Return whether the qualification lets its operator serve on ``day``."""
        return self.revoked_at is None and self.since <= day
