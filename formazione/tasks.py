"""Celery entry points of staff training: thin, ids only."""

from celery import shared_task


@shared_task
def plan_reminders_send() -> int:
    """Remind directors of plans still unsent 15 days before they start (beat)."""
    from formazione import services  # keep the worker's import graph light

    return services.plan_reminders_send()
