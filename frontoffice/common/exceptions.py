"""The error a service raises when a rule of the guideline forbids an action."""

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the action: ``code`` for machines, ``detail`` for people.

    ``detail`` is a sentence in the user's language (Italian by default); the
    API turns the error into ``409 {"code": ..., "detail": ...}``.
    """

    status_code = 409

    def __init__(
        self, *, code: str, detail: str, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extra = extra or {}


class RateLimited(ApplicationError):
    """Too many requests from one caller: 429 with a ``code`` and a ``detail``."""

    status_code = 429
