from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from frontoffice.common.models import BaseModel


class Region(BaseModel):
    """A regional directorate (direzione regionale), e.g. Lazio."""

    code = models.SlugField(_("codice"), max_length=50, unique=True)
    name = models.CharField(_("nome"), max_length=120)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regione")
        verbose_name_plural = _("regioni")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceLine(BaseModel):
    """A closed-cycle counter line (linea prodotto/servizio), guideline §2.1–2.6."""

    class Kind(models.TextChoices):
        STANDARD = "standard", _("Linea prodotto/servizio")
        # §2.5: opened only in periods of particular demand.
        PEAK = "peak", _("Aperta nei periodi di particolare affluenza")
        # §2.6: only where Poli Specialistici/Fondi Speciali are present.
        SPECIALIST = "specialist", _("Solo dove presenti i Poli Specialistici")

    code = models.SlugField(_("codice"), max_length=50, unique=True)
    name = models.CharField(_("nome"), max_length=120)
    letter = models.CharField(_("lettera del biglietto"), max_length=1, unique=True)
    section = models.CharField(_("paragrafo della linea guida"), max_length=8)
    kind = models.CharField(
        _("tipo"), max_length=16, choices=Kind.choices, default=Kind.STANDARD
    )
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)
    # What a citizen would say at the kiosk to tell this line from the
    # others; the catalogue's own first items do not.
    kiosk_description = models.CharField(
        _("descrizione al chiosco"),
        max_length=80,
        blank=True,
        help_text=_(
            "Poche parole semplici che distinguono la linea dalle altre sul "
            "chiosco (es. «Pensioni e domande»). Vuota: solo il nome."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("linea")
        verbose_name_plural = _("linee")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(letter__regex=r"^[A-Z]$"), name="serviceline_letter_a_z"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Service(BaseModel):
    """One activity of a line's catalogue, as listed by the guideline."""

    line = models.ForeignKey(
        ServiceLine,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("linea"),
    )
    code = models.SlugField(_("codice"), max_length=80)
    name = models.CharField(_("nome"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("servizio")
        verbose_name_plural = _("servizi")
        ordering = ["line__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["line", "code"], name="service_line_code")
        ]

    def __str__(self) -> str:
        return self.name


class Branch(BaseModel):
    """A branch (sede) of the region, with the lines it has."""

    class Kind(models.TextChoices):
        PROVINCIAL_DIRECTORATE = "direzione-provinciale", _("Direzione provinciale")
        COMPLEX_AGENCY = "agenzia-complessa", _("Agenzia complessa")
        INTERNAL_AGENCY = "agenzia-interna", _("Agenzia interna")
        TERRITORIAL_AGENCY = "agenzia-territoriale", _("Agenzia territoriale")

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="branches",
        verbose_name=_("regione"),
    )
    code = models.SlugField(_("codice"), max_length=50, unique=True)
    name = models.CharField(_("nome"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=32, choices=Kind.choices)
    province = models.CharField(
        _("provincia"),
        max_length=2,
        help_text=_("Sigla della provincia, per le festività (es. RM)."),
    )
    patron_day_month = models.PositiveSmallIntegerField(
        _("mese del santo patrono"), null=True, blank=True
    )
    patron_day_day = models.PositiveSmallIntegerField(
        _("giorno del santo patrono"), null=True, blank=True
    )
    has_specialist_hubs = models.BooleanField(
        _("Poli Specialistici/Fondi Speciali presenti"), default=False
    )
    # The floor supervisor's staffing advice (Erlang C) keeps the mean wait
    # of a new ticket under this many minutes.
    target_wait_minutes = models.PositiveSmallIntegerField(
        _("attesa obiettivo (minuti)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_(
            "Attesa media entro cui il consiglio sugli sportelli da aprire "
            "vuole tenere la coda."
        ),
    )
    # A kiosk whose browser prints without a dialog (Chromium
    # --kiosk-printing) prints the ticket as soon as it is issued.
    kiosk_auto_print = models.BooleanField(
        _("stampa automatica al chiosco"),
        default=False,
        help_text=_(
            "Il chiosco stampa il biglietto appena emesso, senza un tocco in "
            "più (il browser del chiosco deve stampare senza finestra di "
            "dialogo)."
        ),
    )
    lines: models.ManyToManyField[ServiceLine, BranchLine] = models.ManyToManyField(
        ServiceLine,
        through="BranchLine",
        related_name="branches",
        verbose_name=_("linee"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sede")
        verbose_name_plural = _("sedi")
        ordering = ["region__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(patron_day_month__isnull=True, patron_day_day__isnull=True)
                | Q(
                    patron_day_month__gte=1,
                    patron_day_month__lte=12,
                    patron_day_day__gte=1,
                    patron_day_day__lte=31,
                ),
                name="branch_patron_day_valid",
            ),
            models.CheckConstraint(
                condition=Q(province__regex=r"^[A-Z]{2}$"),
                name="branch_province_two_letters",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_consultation(self) -> bool:
        """Guideline §3: every branch but an agenzia territoriale consults."""
        return self.kind != self.Kind.TERRITORIAL_AGENCY

    def clean(self) -> None:
        super().clean()
        if (self.patron_day_month is None) != (self.patron_day_day is None):
            raise ValidationError(
                {"patron_day_day": _("Indicare giorno e mese del santo patrono.")}
            )
        if self.patron_day_month is not None and self.patron_day_day is not None:
            try:
                # 2024 is a leap year: 29 February is a valid patron day.
                datetime.date(2024, self.patron_day_month, self.patron_day_day)
            except ValueError:
                raise ValidationError(
                    {"patron_day_day": _("Data del santo patrono non valida.")}
                ) from None


class BranchLine(BaseModel):
    """A line present at a branch, optionally only within a period."""

    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        related_name="branch_lines",
        verbose_name=_("sede"),
    )
    line = models.ForeignKey(
        ServiceLine,
        on_delete=models.PROTECT,
        related_name="branch_lines",
        verbose_name=_("linea"),
    )
    opened_on = models.DateField(_("aperta dal"), null=True, blank=True)
    closes_on = models.DateField(_("aperta fino al"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("linea della sede")
        verbose_name_plural = _("linee della sede")
        ordering = ["line__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "line"], name="branchline_branch_line"
            ),
            models.CheckConstraint(
                condition=Q(opened_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(closes_on__gte=models.F("opened_on")),
                name="branchline_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} — {self.line}"

    def is_open_on(self, day: datetime.date) -> bool:
        """Return whether the line is present at the branch on ``day``."""
        if self.opened_on is not None and day < self.opened_on:
            return False
        return self.closes_on is None or day <= self.closes_on


class StaffRole(BaseModel):
    """A role held by a staff member, scoped to one branch or to a region."""

    class Role(models.TextChoices):
        RECEPTION = "reception", _("Addetto reception")
        OPERATOR = "operator", _("Operatore di sportello")
        FLOOR_SUPERVISOR = "floor-supervisor", _("Funzionario di sala")
        DIRECTOR = "director", _("Direttore")
        # Holds consultations at a meeting point: reads and closes its
        # appointments (preparation notes, outcome).
        CONSULTANT = "consultant", _("Consulente")
        CONTACT_CENTRE = "contact-centre", _("Contact center multicanale (CCM)")
        KIOSK = "kiosk", _("Totem eliminacode")
        REGIONAL = "regional", _("Direzione regionale (CRIC)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("utente"),
    )
    role = models.CharField(_("ruolo"), max_length=32, choices=Role.choices)
    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("sede"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("regione"),
        help_text=_("Per i ruoli che valgono su tutte le sedi della regione."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ruolo del personale")
        verbose_name_plural = _("ruoli del personale")
        constraints = [
            models.CheckConstraint(
                condition=Q(branch__isnull=False, region__isnull=True)
                | Q(branch__isnull=True, region__isnull=False),
                name="staffrole_one_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "branch"],
                condition=Q(branch__isnull=False),
                name="staffrole_unique_branch",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False),
                name="staffrole_unique_region",
            ),
        ]

    def __str__(self) -> str:
        scope = self.branch or self.region
        return f"{self.user} — {self.get_role_display()} ({scope})"

    def clean(self) -> None:
        super().clean()
        if (self.branch_id is None) == (self.region_id is None):
            raise ValidationError(
                _("Indicare una sede oppure una regione, non entrambe.")
            )
