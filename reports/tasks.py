from celery import shared_task


@shared_task
def days_close_pending() -> int:
    """Close yesterday (and any day left open); return how many days closed."""
    from reports import services

    return len(services.days_close_pending())
