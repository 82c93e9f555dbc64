from celery import shared_task


@shared_task
def tickets_expire() -> int:
    """Close the tickets left waiting after the morning; return how many."""
    from sportelli import services

    return services.tickets_expire()
