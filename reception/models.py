from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from frontoffice.common.models import BaseModel


class Form(BaseModel):
    """A form of the catalogue (modulistica) handed out at reception."""

    code = models.SlugField(_("codice"), max_length=50, unique=True)
    title = models.CharField(_("titolo"), max_length=200)
    line = models.ForeignKey(
        "sedi.ServiceLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forms",
        verbose_name=_("linea"),
    )
    url = models.URLField(_("collegamento"), blank=True)
    document = models.FileField(_("file"), upload_to="modulistica/", blank=True)
    is_active = models.BooleanField(_("in distribuzione"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("modulo")
        verbose_name_plural = _("modulistica")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Arrival(BaseModel):
    """One person welcomed at reception: why they came and where they went.

    No personal data: the reason, the outcome and who handled it.
    """

    class Outcome(models.TextChoices):
        TICKET = "ticket", _("Biglietto emesso")
        INFORMATION = "information", _("Informazione data in accoglienza")
        FORM = "form", _("Modulo consegnato")
        PROTOCOL = "protocol", _("Documento o reclamo protocollato")
        CHECK_IN = "check_in", _("Arrivo per appuntamento registrato")
        BOOKING = "booking", _("Consulenza prenotata")

    SOLVED_AT_RECEPTION = (Outcome.INFORMATION, Outcome.FORM, Outcome.PROTOCOL)

    branch = models.ForeignKey(
        "sedi.Branch",
        on_delete=models.PROTECT,
        related_name="arrivals",
        verbose_name=_("sede"),
    )
    arrived_at = models.DateTimeField(_("arrivato alle"), default=timezone.now)
    service = models.ForeignKey(
        "sedi.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("motivo (attività)"),
    )
    reason = models.CharField(_("motivo"), max_length=200)
    outcome = models.CharField(_("esito"), max_length=16, choices=Outcome.choices)
    line = models.ForeignKey(
        "sedi.ServiceLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linea indicata"),
    )
    ticket = models.ForeignKey(
        "sportelli.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("biglietto"),
    )
    form = models.ForeignKey(
        Form,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handouts",
        verbose_name=_("modulo"),
    )
    protocol_entry = models.ForeignKey(
        "ProtocolEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("protocollo"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("addetto"),
    )

    class Meta:
        verbose_name = _("accesso in accoglienza")
        verbose_name_plural = _("accessi in accoglienza")
        ordering = ["-arrived_at"]
        indexes = [
            models.Index(fields=["branch", "arrived_at"], name="arrival_branch_time")
        ]

    def __str__(self) -> str:
        return f"{self.arrived_at:%H:%M} {self.reason}"


class ProtocolSequence(BaseModel):
    """The last protocol number of a branch in a year (DPR 445/2000 art. 57)."""

    branch = models.ForeignKey(
        "sedi.Branch", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("numeratore di protocollo")
        verbose_name_plural = _("numeratori di protocollo")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year"], name="protocolsequence_branch_year"
            )
        ]


class ProtocolEntry(BaseModel):
    """An entry of the protocol register: a document or a complaint received.

    Number, date, sender and subject are fixed once registered (DPR 445/2000
    art. 53); a mistake is corrected only by annulment, with reason, date
    and who (art. 54): the entry and its number stay.
    """

    class Kind(models.TextChoices):
        DOCUMENT = "documento", _("Documento")
        COMPLAINT = "reclamo", _("Reclamo")

    class ComplaintStatus(models.TextChoices):
        RECEIVED = "received", _("Ricevuto")
        IN_PROGRESS = "in_progress", _("In lavorazione")
        ANSWERED = "answered", _("Risposto")

    branch = models.ForeignKey(
        "sedi.Branch",
        on_delete=models.PROTECT,
        related_name="protocol_entries",
        verbose_name=_("sede"),
    )
    year = models.PositiveSmallIntegerField(_("anno"))
    number = models.PositiveIntegerField(_("numero"))
    kind = models.CharField(_("tipo"), max_length=16, choices=Kind.choices)
    subject = models.CharField(_("oggetto"), max_length=500)
    attachments = models.PositiveSmallIntegerField(_("allegati"), default=0)
    registered_at = models.DateTimeField(_("registrato il"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registrato da"),
    )
    sender_fiscal_code = models.CharField(
        _("codice fiscale"), max_length=16, blank=True
    )
    sender_first_name = models.CharField(_("nome"), max_length=100, blank=True)
    sender_last_name = models.CharField(_("cognome"), max_length=100, blank=True)
    # Set when the retention job cleared the sender; number, date and
    # subject stay.
    sender_anonymised_at = models.DateTimeField(
        _("mittente anonimizzato il"), null=True, blank=True
    )
    annulled_at = models.DateTimeField(_("annullato il"), null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("annullato da"),
    )
    annulment_reason = models.CharField(
        _("motivo dell'annullamento"), max_length=500, blank=True
    )
    complaint_status = models.CharField(
        _("stato del reclamo"),
        max_length=16,
        choices=ComplaintStatus.choices,
        blank=True,
    )
    reply_due_on = models.DateField(_("risposta entro il"), null=True, blank=True)
    answered_at = models.DateTimeField(_("risposto il"), null=True, blank=True)

    # Who changed what, when; the citizen's data stay out of the history
    # (they are cleared by the retention job, the history would keep them).
    history = HistoricalRecords(
        excluded_fields=["sender_fiscal_code", "sender_first_name", "sender_last_name"]
    )

    class Meta:
        verbose_name = _("registrazione di protocollo")
        verbose_name_plural = _("registro di protocollo")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year", "number"], name="protocol_branch_year_number"
            ),
            models.CheckConstraint(
                condition=Q(kind="reclamo", reply_due_on__isnull=False)
                | Q(kind="documento", reply_due_on__isnull=True),
                name="protocol_complaint_has_deadline",
            ),
            models.CheckConstraint(
                condition=Q(annulled_at__isnull=True) | ~Q(annulment_reason=""),
                name="protocol_annulment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.protocol_number

    @property
    def protocol_number(self) -> str:
        """Return the printed number, e.g. ``roma-centro/2026/0000123``."""
        return f"{self.branch.code}/{self.year}/{self.number:07d}"

    @property
    def is_annulled(self) -> bool:
        return self.annulled_at is not None


class ReasonSynonym(BaseModel):
    """A word people say, mapped to the catalogue activities it means.

    Kept by the floor supervisor in the admin: "pensione", "ISEE", "NASpI"
    and the like find the activities whose names do not contain them.
    """

    term = models.CharField(
        _("parola o sigla"),
        max_length=80,
        unique=True,
        help_text=_("Come la dice il cittadino, es. «NASpI», «estratto conto»."),
    )
    service_codes = models.CharField(
        _("codici delle attività"),
        max_length=500,
        help_text=_(
            "Codici delle attività del catalogo, separati da virgola "
            "(es. «estratto-contributivo, stato-pratiche»)."
        ),
    )
    line = models.ForeignKey(
        "sedi.ServiceLine",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("solo sulla linea"),
        help_text=_("Vuoto: le attività con quei codici su ogni linea."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sinonimo di ricerca")
        verbose_name_plural = _("sinonimi di ricerca")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    @property
    def codes(self) -> list[str]:
        return [c.strip() for c in self.service_codes.split(",") if c.strip()]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from sedi.models import Service

        codes = self.codes
        if not codes:
            raise ValidationError({"service_codes": _("Indicare almeno un codice.")})
        services = Service.objects.filter(code__in=codes)
        if self.line_id:
            services = services.filter(line_id=self.line_id)
        unknown = sorted(set(codes) - set(services.values_list("code", flat=True)))
        if unknown:
            raise ValidationError(
                {
                    "service_codes": _("Codici sconosciuti: %(codes)s.")
                    % {"codes": ", ".join(unknown)}
                }
            )


class UnmatchedSearch(BaseModel):
    """A reason typed at the intake that found nothing, and how often.

    Reception reads the list in the admin to extend the synonyms. Only the
    normalised words are kept, once per branch, with a counter.
    """

    branch = models.ForeignKey(
        "sedi.Branch",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("sede"),
    )
    query = models.CharField(_("ricerca"), max_length=100)
    hits = models.PositiveIntegerField(_("volte"), default=1)
    last_at = models.DateTimeField(_("ultima volta"), default=timezone.now)

    class Meta:
        verbose_name = _("ricerca senza risultati")
        verbose_name_plural = _("ricerche senza risultati")
        ordering = ["-hits", "-last_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "query"], name="unmatched_search_branch_query"
            )
        ]

    def __str__(self) -> str:
        return self.query
