"""Queries and in-process time of each hot path, one request at a time.

Run after ``make bench`` (it reads the bench database it left):
``BENCH_AT=<the bench morning> python -m bench.requests``. Each request goes
through the whole Django stack (middleware, authentication, view) with the
test client, without the network; the query count does not depend on the
machine, the time does.
"""

import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontoffice.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("TICKET_ISSUE_RATE", "0")

import django

from bench import clock

clock.start()
django.setup()

from typing import Any  # noqa: E402

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from sportelli.models import Counter, Shift  # noqa: E402


def measure(label: str, call: Callable[[], Any], runs: int = 20) -> str:
    call()  # warm
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = call().status_code
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return f"| {label} | {status} | {len(queries)} | {statistics.median(times):.1f} |"


def main() -> None:
    client = Client()
    shift = (
        Shift.objects.filter(closed_at__isnull=True, counter__branch__code="bench-000")
        .select_related("counter__branch", "line")
        .order_by("counter__number")
        .first()
    )
    assert shift is not None, "run make bench first: no bench data"
    counter: Counter = shift.counter
    code = counter.branch.code
    kiosk = Token.objects.get(user__username=f"{code}-kiosk").key
    operator = Token.objects.get(user=shift.operator).key
    service = shift.line.services.order_by("code").values_list("code", flat=True)[0]

    def issue() -> Any:
        return client.post(
            f"/api/v1/branches/{code}/tickets/",
            {"line": shift.line.code},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {kiosk}",
        )

    public_code = issue().json()["public_code"]
    for _ in range(40):
        issue()
    called: list[int] = []

    def call_next() -> Any:
        response = client.post(
            f"/api/v1/counters/{counter.pk}/call-next/",
            HTTP_AUTHORIZATION=f"Token {operator}",
        )
        called.append(response.json()["id"])
        complete()
        return response

    def complete() -> Any:
        return client.post(
            f"/api/v1/tickets/{called[-1]}/complete/",
            {"services": [service]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {operator}",
        )

    rows = [
        measure("ticket issue", issue),
        measure("call-next (with its complete)", call_next, runs=10),
        measure(
            "hall display", lambda: client.get(f"/api/v1/branches/{code}/display/")
        ),
        measure(
            "virtual ticket",
            lambda: client.get(f"/api/v1/tickets/status/{public_code}/"),
        ),
        measure(
            "queue",
            lambda: client.get(
                f"/api/v1/branches/{code}/queue/",
                HTTP_AUTHORIZATION=f"Token {operator}",
            ),
        ),
    ]
    print("| request | status | queries | median ms (in process) |")
    print("|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
