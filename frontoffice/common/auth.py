"""API tokens that expire: a lost token does not open the API for ever."""

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from sedi import scope


def token_is_expired(token: Token, *, now: datetime.datetime | None = None) -> bool:
    """Return whether ``token`` is older than ``API_TOKEN_HOURS``."""
    hours = int(getattr(settings, "API_TOKEN_HOURS", 12))
    return token.created < (now or timezone.now()) - datetime.timedelta(hours=hours)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens past their lifetime (401)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        # A refused key (unknown, inactive user) raises and is not kept.
        user, token = scope.remembered(("token", key), lambda: self._read(key))
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(
                _("Token scaduto: ne richieda uno nuovo.")
            )
        return user, token

    def _read(self, key: str) -> tuple[Any, Token]:
        return super().authenticate_credentials(key)
