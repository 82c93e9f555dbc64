"""Celery entry points of reception: thin, ids only."""

from celery import shared_task


@shared_task
def personal_data_anonymise() -> dict[str, int]:
    """Clear citizens' data past retention (beat, daily); return the counts."""
    from reception import services  # keep the worker's import graph light

    return services.personal_data_anonymise()
