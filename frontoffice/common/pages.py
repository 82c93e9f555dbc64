"""Helpers shared by the server-rendered pages of every app."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from frontoffice.common.exceptions import ApplicationError


def page_user(request: HttpRequest) -> User:
    """Return the signed-in user of a ``login_required`` view."""
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - login_required ran
        raise Http404
    return user


def refusal_text(exc: ApplicationError | ValidationError) -> str:
    """Return the Italian sentence(s) of a refused action, for an alert."""
    if isinstance(exc, ApplicationError):
        return exc.detail
    return " ".join(str(message) for message in exc.messages)
