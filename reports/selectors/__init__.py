"""Reads of the regional reports (tickets from summaries; the others live)."""

from reports.selectors.activity import (
    ActivityReportQuery,
    consultation_report_rows,
    escalation_report_rows,
    reception_report_rows,
)
from reports.selectors.tickets import (
    GROUPS,
    SUMMED,
    TicketFigures,
    TicketReport,
    TicketReportQuery,
    TicketReportRow,
    closed_through,
    period_end,
    period_start,
    ticket_figures_compute,
    ticket_report_serialise,
)

__all__ = [
    "GROUPS",
    "SUMMED",
    "ActivityReportQuery",
    "TicketFigures",
    "TicketReport",
    "TicketReportQuery",
    "TicketReportRow",
    "closed_through",
    "consultation_report_rows",
    "escalation_report_rows",
    "period_end",
    "period_start",
    "reception_report_rows",
    "ticket_figures_compute",
    "ticket_report_serialise",
]
