"""Celery application of the front office."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontoffice.settings")

app = Celery("frontoffice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["frontoffice.common"])
