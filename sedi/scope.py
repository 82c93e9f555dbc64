"""Who the caller is and what the branch has, kept between requests.

Every ticket issued and every call at a counter asks the same questions
before any rule runs: whose token is this, which roles does the holder have,
which branch is ``roma-eur``, is line D open there. The rows behind the
answers change a few times a year (a role given, a token revoked, a line
opened), yet reading them was most of the work of a ticket issue.

Each process keeps the answers it read, filed under the organisation's
*generation*: a token in the shared cache replaced by every change to a
token, user, role, region, branch or line (now, and again at commit, like
``frontoffice.common.public_cache``). A copy is trusted only while the
generation it was read under is still the current one, so a revoked role or
token stops working at the next request in every process. The generation is
read once per request (``ScopeMiddleware``). Code writing those rows in bulk
(``QuerySet.update``, which sends no signal) calls :func:`bump` itself.

``SCOPE_CACHE_SECONDS`` bounds how long a copy is kept (0: nothing is kept).
It defaults to 0 without Redis: a cache local to each process could not tell
the other processes of a change. With the shared cache unreachable nothing
is kept either: every request reads the rows.
"""

import contextvars
import copy
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

T = TypeVar("T")

GENERATION_KEY = "scope-gen"
GENERATION_SECONDS = 24 * 3600
# Answers kept per process at most; past it the copies are dropped at once.
MAX_ENTRIES = 20_000

# key -> (generation, stored at (monotonic), value)
_local: dict[Any, tuple[str, float, Any]] = {}
# The request under way, if any: the generation read for it and what it
# has read already.
_request_memo: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "scope_request_memo", default=None
)


def _clock() -> float:
    return time.monotonic()


def _seconds() -> int:
    return int(getattr(settings, "SCOPE_CACHE_SECONDS", 0))


def _read_generation() -> str | None:
    try:
        value = cache.get(GENERATION_KEY)
        if value is None:
            value = secrets.token_hex(8)
            if not cache.add(GENERATION_KEY, value, GENERATION_SECONDS):
                value = cache.get(GENERATION_KEY)
    except Exception as exc:  # the cache client's own errors vary by backend
        logger.warning("Scope cache unreachable: %s", exc)
        return None
    return None if value is None else str(value)


def generation() -> str | None:
    """Return the current generation (read once per request), None if unknown."""
    memo = _request_memo.get()
    if memo is not None and "generation" in memo:
        return memo["generation"] or None
    value = _read_generation()
    if memo is not None:
        memo["generation"] = value or ""
    return value


def bump() -> None:
    """Retire every kept answer: now, and again once the transaction commits."""

    def replace() -> None:
        value = secrets.token_hex(8)
        try:
            cache.set(GENERATION_KEY, value, GENERATION_SECONDS)
        except Exception as exc:  # as above: nothing is kept while it is down
            logger.warning("Scope cache unreachable: %s", exc)
            value = ""
        _local.clear()
        memo = _request_memo.get()
        if memo is not None:
            memo.clear()
            memo["generation"] = value

    replace()
    transaction.on_commit(replace)


def remembered(key: Any, find: Callable[[], T]) -> T:
    """Return ``find()``, or a copy of what it returned earlier.

    Within a request, a key is read once. Between requests, what ``find``
    returned is kept under the generation, read before ``find`` reads the
    rows: an answer racing a change is filed under the generation that
    change retires. What ``find`` raises is not kept.
    """
    memo = _request_memo.get()
    kept = None if memo is None else memo.setdefault("kept", {})
    if kept is not None and key in kept:
        return _copied(kept[key])
    value = _between_requests(key, find)
    if kept is not None:
        kept[key] = value
    return _copied(value)


def _between_requests(key: Any, find: Callable[[], T]) -> T:
    seconds = _seconds()
    if seconds <= 0:
        return find()
    current = generation()
    if current is None:
        return find()
    now = _clock()
    entry = _local.get(key)
    if entry is not None and entry[0] == current and now - entry[1] < seconds:
        return entry[2]
    value = find()
    if len(_local) >= MAX_ENTRIES:
        _local.clear()
    _local[key] = (current, now, value)
    return value


def _copied(value: T) -> T:
    """Return a copy a request may change without touching the kept one."""
    if isinstance(value, tuple):
        return tuple(copy.copy(item) for item in value)  # type: ignore[return-value]
    return copy.copy(value)


def forget_local() -> None:
    """Drop this process's copies (tests start each from the rows)."""
    _local.clear()


class ScopeMiddleware:
    """Read the generation, and each kept answer, at most once per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)


def _changed(sender: type, **kwargs: Any) -> None:
    bump()


def connect_signals() -> None:
    """Bump the generation on every change of the rows kept here."""
    from django.contrib.auth.models import User
    from django.db.models.signals import post_delete, post_save
    from rest_framework.authtoken.models import Token

    from sedi.models import Branch, BranchLine, Region, ServiceLine, StaffRole

    for model in (User, Token, StaffRole, Region, Branch, BranchLine, ServiceLine):
        uid = f"sedi.scope.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".delete")
