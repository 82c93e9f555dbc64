"""Erlang C: how many counters keep the expected wait under a target.

The hall is an M/M/c queue: tickets arrive at random (Poisson, rate λ per
minute), each service takes on average ``s`` minutes (exponential), ``c``
counters serve the line in call order. The offered load is ``a = λ·s``
Erlangs; the queue is stable only when ``c > a``.

The measure kept under the target is the **mean wait of all arrivals**
(including those served at once), ``Wq = C(c, a) · s / (c − a)``, where
``C(c, a)`` is the Erlang C probability that an arrival has to wait. Pure
functions: no database, no clock.
"""

import math

# No line is ever advised more counters than this: beyond it the answer is
# "more than any branch has" (None), shown as such.
MAX_COUNTERS = 50


def erlang_b(*, counters: int, load: float) -> float:
    """Return the Erlang B blocking probability of ``counters`` at ``load``.

    Computed by the stable recursion ``B(k) = a·B(k−1) / (k + a·B(k−1))``.
    """
    if counters < 0 or load < 0:
        raise ValueError("counters and load must not be negative")
    blocking = 1.0
    for k in range(1, counters + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def erlang_c(*, counters: int, load: float) -> float:
    """Return the probability that an arrival waits (Erlang C).

    An unstable queue (``counters <= load``) makes everyone wait: 1.0.
    """
    if load == 0:
        return 0.0
    if counters <= load:
        return 1.0
    blocking = erlang_b(counters=counters, load=load)
    utilisation = load / counters
    return blocking / (1 - utilisation * (1 - blocking))


def mean_wait_minutes(
    *, arrivals_per_hour: float, service_minutes: float, counters: int
) -> float:
    """Return the mean wait (minutes) of all arrivals with ``counters`` open.

    ``math.inf`` when the counters cannot keep up (``c <= a``).
    """
    if service_minutes <= 0:
        raise ValueError("service_minutes must be positive")
    if arrivals_per_hour < 0:
        raise ValueError("arrivals_per_hour must not be negative")
    load = arrivals_per_hour / 60 * service_minutes
    if load == 0:
        return 0.0
    if counters <= load:
        return math.inf
    waiting = erlang_c(counters=counters, load=load)
    return waiting * service_minutes / (counters - load)


def counters_needed(
    *,
    arrivals_per_hour: float,
    service_minutes: float,
    target_minutes: float,
    max_counters: int = MAX_COUNTERS,
) -> int | None:
    """Return the fewest counters whose mean wait stays within the target.

    No arrivals need no counter (0). When even ``max_counters`` cannot hold
    the load within the target, return None: the advice is "more than any
    hall has", and the page says so rather than showing a number.
    """
    if target_minutes <= 0:
        raise ValueError("target_minutes must be positive")
    if service_minutes <= 0:
        raise ValueError("service_minutes must be positive")
    if arrivals_per_hour < 0:
        raise ValueError("arrivals_per_hour must not be negative")
    if arrivals_per_hour == 0:
        return 0
    load = arrivals_per_hour / 60 * service_minutes
    # The queue is stable only above the load: start at the first integer
    # strictly greater than it.
    for counters in range(max(1, math.floor(load) + 1), max_counters + 1):
        wait = mean_wait_minutes(
            arrivals_per_hour=arrivals_per_hour,
            service_minutes=service_minutes,
            counters=counters,
        )
        if wait <= target_minutes:
            return counters
    return None
