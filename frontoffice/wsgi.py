"""WSGI entry point (gunicorn frontoffice.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontoffice.settings")
django_application = get_wsgi_application()

# Imported once Django is set up: the public answers read by every hall
# display and phone are sent from the cache before Django builds a request.
from frontoffice.common.public_cache import PublicAnswerApp  # noqa: E402

application = PublicAnswerApp(django_application)
