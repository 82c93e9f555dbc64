"""Celery entry points of the hall: thin, each calls one service."""

from celery import shared_task


@shared_task
def counter_clones_expire() -> int:
    """End the cloned counters whose window has passed."""
    from sala import services

    return services.counter_clones_expire()


@shared_task
def backlog_forecast_notify() -> int:
    """Warn the region of agendas forecast to pass 30 days within two weeks."""
    from sala import services

    return services.backlog_forecast_notify()
