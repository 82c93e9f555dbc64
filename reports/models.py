"""Daily summaries of the counters, so that a year-long report reads no ticket.

A closed day (``DayClosure``) has one ``DailyTicketSummary`` row per branch
and line that had any activity that day; a day with no ticket has no row
(a report shows no row for it, not a row of zeros). Means are recomputed
exactly from the stored sums and counts; the 90th percentile of a week or a
month cannot be summed from daily percentiles, so each row keeps its waits
as a histogram by whole minute (``{"minute": count}``), which merges by
addition and gives the same percentile as the tickets themselves.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DayClosure(models.Model):
    """A day whose tickets are summarised; reports read it from summaries."""

    day = models.DateField(_("giorno"), unique=True)
    closed_at = models.DateTimeField(_("chiuso alle"), default=timezone.now)
    tickets = models.PositiveIntegerField(_("biglietti riepilogati"), default=0)

    class Meta:
        verbose_name = _("giornata chiusa")
        verbose_name_plural = _("giornate chiuse")
        ordering = ["day"]

    def __str__(self) -> str:
        return self.day.isoformat()


class TicketSummaryFigures(models.Model):
    """The figures a summary row keeps, whatever period it covers."""

    branch = models.ForeignKey(
        "sedi.Branch",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("sede"),
    )
    line = models.ForeignKey(
        "sedi.ServiceLine",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("linea"),
    )
    # Counted on the line the ticket was issued for (its letter).
    issued = models.PositiveIntegerField(default=0)
    priority = models.PositiveIntegerField(default=0)
    transferred = models.PositiveIntegerField(default=0)
    waited = models.PositiveIntegerField(default=0)
    wait_seconds = models.BigIntegerField(default=0)
    max_wait_seconds = models.PositiveIntegerField(default=0)
    wait_histogram = models.JSONField(default=dict, blank=True)
    # Counted on the line that finally held the ticket.
    served = models.PositiveIntegerField(default=0)
    no_show = models.PositiveIntegerField(default=0)
    expired = models.PositiveIntegerField(default=0)
    serviced = models.PositiveIntegerField(default=0)
    service_seconds = models.BigIntegerField(default=0)
    services = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


class DailyTicketSummary(TicketSummaryFigures):
    """The counters' figures of one branch, line and day (see the module)."""

    day = models.DateField(_("giorno"))

    class Meta:
        verbose_name = _("riepilogo giornaliero dei biglietti")
        verbose_name_plural = _("riepiloghi giornalieri dei biglietti")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "branch", "line"], name="ticket_summary_day_branch_line"
            )
        ]
        indexes = [
            models.Index(fields=["branch", "day"], name="ticket_summary_branch_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.branch_id}/{self.line_id}"


class PeriodTicketSummary(TicketSummaryFigures):
    """The sum of one ISO week's or calendar month's daily rows of a branch and line.

    Kept by ``close_day`` in the same transaction as the daily rows, so it
    always equals the sum of the period's daily rows (closed days only); a
    report reads it for the periods wholly inside its range instead of
    merging up to 31 daily rows and their histograms.
    """

    class Group(models.TextChoices):
        WEEK = "week", _("settimana")
        MONTH = "month", _("mese")

    group = models.CharField(_("periodo"), max_length=5, choices=Group.choices)
    period = models.DateField(_("primo giorno"))

    class Meta:
        verbose_name = _("riepilogo periodico dei biglietti")
        verbose_name_plural = _("riepiloghi periodici dei biglietti")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "period", "branch", "line"],
                name="ticket_summary_period_branch_line",
            )
        ]
        indexes = [
            models.Index(
                fields=["group", "period", "branch"],
                name="ticket_summary_group_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.period} {self.branch_id}/{self.line_id}"
