"""Open-loop load: requests leave at a set rate whatever the answers.

Citizens do not wait for the server before taking a ticket, so arrivals are
scheduled in advance (evenly spaced) and each latency is counted from the
moment the request was due, not from when it left: a slow server cannot
hide its slowness by slowing the load down (no coordinated omission).
"""

import asyncio
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import aiohttp


@dataclass
class Sample:
    kind: str
    status: int
    latency: float


@dataclass
class Outcome:
    offered: float
    duration: float
    samples: list[Sample] = field(default_factory=list)
    skipped: int = 0

    def latencies(self, kind: str | None = None) -> list[float]:
        return sorted(s.latency for s in self.samples if kind is None or s.kind == kind)

    @property
    def achieved(self) -> float:
        return len(self.samples) / self.duration

    def percentile(self, q: float, kind: str | None = None) -> float:
        values = self.latencies(kind)
        if not values:
            return float("nan")
        index = min(len(values) - 1, max(0, round(q / 100 * len(values)) - 1))
        return values[index] * 1000

    def errors(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for s in self.samples:
            if s.status >= 400 or s.status == 0:
                counts[f"{s.kind} {s.status}"] += 1
        return dict(counts)

    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for s in self.samples:
            counts[s.kind] += 1
        return dict(counts)

    def median(self, kind: str | None = None) -> float:
        values = self.latencies(kind)
        return statistics.median(values) * 1000 if values else float("nan")


Action = Callable[[aiohttp.ClientSession, float, Outcome], Coroutine[Any, Any, None]]


async def timed(
    session: aiohttp.ClientSession,
    outcome: Outcome,
    kind: str,
    due: float,
    method: str,
    url: str,
    **kwargs: Any,
) -> tuple[int, Any]:
    """Send one request; record its latency counted from ``due``."""
    try:
        async with session.request(method, url, **kwargs) as response:
            body = await response.json() if response.status in (200, 201) else None
            status = response.status
    except (aiohttp.ClientError, TimeoutError):
        status, body = 0, None
    outcome.samples.append(Sample(kind, status, time.monotonic() - due))
    return status, body


async def run(
    *,
    rate: float,
    duration: float,
    mix: list[tuple[float, Action]],
    connections: int = 512,
) -> Outcome:
    """Start ``rate`` actions a second for ``duration`` seconds; wait for all."""
    outcome = Outcome(offered=rate, duration=duration)
    weights = [w for w, _ in mix]
    actions = [a for _, a in mix]
    connector = aiohttp.TCPConnector(limit=connections)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        start = time.monotonic()
        total = int(rate * duration)
        tasks: list[asyncio.Task[None]] = []
        for index in range(total):
            due = start + index / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            action = random.choices(actions, weights)[0]
            tasks.append(asyncio.create_task(action(session, due, outcome)))
        await asyncio.gather(*tasks)
        outcome.duration = max(duration, time.monotonic() - start)
    return outcome
