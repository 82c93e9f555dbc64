"""Celery entry points of the consultation agenda: thin, ids only.

Each task calls one service; the services are idempotent (conditional
UPDATEs, row locks), as ``CELERY_TASK_ACKS_LATE`` requires.
"""

from smtplib import SMTPException

from celery import shared_task


@shared_task(
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def appointment_confirmation_send(appointment_id: int) -> bool:
    """Send the booking confirmation e-mail of one appointment (at most once)."""
    from consulenza import services  # services.py imports this module

    return services.appointment_confirmation_send(appointment_id=appointment_id)


@shared_task
def appointment_reminders_send() -> int:
    """Send tomorrow's reminders (beat job); return how many were sent."""
    from consulenza import services

    return services.appointment_reminders_send()


@shared_task
def backlog_flag() -> list[int]:
    """Run the backlog job (beat, hourly); return the ids of the flagged lines."""
    from consulenza import services
    from consulenza.models import BacklogFlag

    flags = services.backlog_flag()
    return [flag.pk for flag in flags if flag.level == BacklogFlag.Level.FLAGGED]
