"""Public answers read by many screens at once, served from the shared cache.

Every hall display polls its branch every few seconds and every citizen's
phone polls its virtual ticket: at national scale that is hundreds of reads
a second of the same few answers. Each answer is rendered once, kept in
the shared cache (Redis in production) and dropped when a ticket event or
a counter change makes it stale; ``PUBLIC_CACHE_SECONDS`` bounds how long
an answer can outlive a change the invalidation missed (another process's
local cache, a failed delete). An ``ETag`` lets a screen that already has
the answer get a 304 without a body.

With the cache unreachable the answer is rendered each time: a hall keeps
its display while Redis is down.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from rest_framework.renderers import JSONRenderer

logger = logging.getLogger(__name__)


def _seconds() -> int:
    return int(getattr(settings, "PUBLIC_CACHE_SECONDS", 2))


def _get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception as exc:  # the cache client's own errors vary by backend
        logger.warning("Public cache unreachable: %s", exc)
        return None


def _set(key: str, value: Any, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception as exc:  # as above: serve without the cache
        logger.warning("Public cache unreachable: %s", exc)


def _delete(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception as exc:  # the TTL bounds what a failed delete leaves
        logger.warning("Public cache not invalidated: %s", exc)


def cached_json(
    *, key: str, build: Callable[[], Any], timeout: int | None = None
) -> tuple[bytes, str]:
    """Return ``build()`` rendered as JSON and its ETag, from the cache if there."""
    entry = _get(key)
    if entry is None:
        body = JSONRenderer().render(build())
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        entry = (body, etag)
        _set(key, entry, _seconds() if timeout is None else timeout)
    return entry


def json_response(request: HttpRequest, body: bytes, etag: str) -> HttpResponse:
    """Answer ``body`` (200) or 304 when the screen already holds that ETag."""
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    # Screens must ask each time; the ETag makes asking cheap.
    response["Cache-Control"] = "no-cache"
    return response


def lookup(*, key: str, find: Callable[[], Any], timeout: int = 600) -> Any:
    """Return a value that seldom changes (a branch's id by its code)."""
    value = _get(key)
    if value is None:
        value = find()
        _set(key, value, timeout)
    return value


def invalidate(*keys: str) -> None:
    """Drop cached answers now and again once the transaction commits.

    Now, so that the writer's own next read is fresh; after commit, so that
    an answer rebuilt by a reader in between (from the old rows) does not
    stay.
    """
    if not keys:
        return
    key_list = list(keys)
    _delete(key_list)
    transaction.on_commit(lambda: _delete(key_list))
