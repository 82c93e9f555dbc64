from celery import shared_task


@shared_task
def worker_heartbeat() -> str:
    """Record that a worker is alive; return the time recorded (ISO 8601)."""
    from frontoffice.common import services

    return services.worker_heartbeat_record().isoformat()
