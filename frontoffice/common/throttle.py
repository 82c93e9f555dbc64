"""Per-caller rate limits in the shared cache (Redis in production).

A fixed one-minute window per key: the first event of a window creates the
counter (``add``), the others increment it atomically (``incr``), so that
every web process counts against the same number.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60


def rate_allow(*, key: str, per_minute: int) -> bool:
    """Count one event for ``key``; return False once past ``per_minute``.

    A limit of 0 or less turns the rule off. With the cache unreachable
    the event is allowed (and logged): a hall keeps issuing tickets while
    Redis is down.
    """
    if per_minute <= 0:
        return True
    try:
        return _count(key=key, per_minute=per_minute)
    except Exception as exc:  # the cache client's own errors vary by backend
        logger.warning("Rate limit not counted, cache unreachable: %s", exc)
        return True


def _count(*, key: str, per_minute: int) -> bool:
    window = int(time.time() // WINDOW_SECONDS)
    slot = f"rate:{key}:{window}"
    if cache.add(slot, 1, timeout=WINDOW_SECONDS * 2):
        return True
    try:
        count = cache.incr(slot)
    except ValueError:  # the slot expired between add and incr
        cache.add(slot, 1, timeout=WINDOW_SECONDS * 2)
        return True
    return count <= per_minute
