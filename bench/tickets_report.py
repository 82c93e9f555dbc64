"""Benchmark: the year-long regional tickets report on a generated year.

Run on PostgreSQL only, on a database of its own (it is migrated and filled):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontoffice_bench \\
        .venv/bin/python bench/tickets_report.py [--branches 40] [--per-line-day 120]

It loads a year of working days for ``--branches`` branches of a region of
their own, four lines each, ``--per-line-day`` tickets a line a day (40
branches, 120 tickets: about 5 million tickets) with one
``INSERT … SELECT generate_series`` and their services likewise; closes every
day up to yesterday with ``close_day``; leaves today live; then asks the
report for the whole year through the real URL, middleware, view and
renderer stack (Django's test client, signed in as the regional office) and
prints the median time of several runs and the number of SQL queries, cold
(today's live figures computed, the cache emptied before each run) and warm
(today's figures from the cache, ``REPORTS_LIVE_CACHE_SECONDS``).
``--skip-load`` reuses a database loaded by an earlier run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, its own folder comes first on the path, where
# ``bench/requests.py`` would hide the ``requests`` package: the project's
# root takes its place.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontoffice.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")

REGION = "bench"
LINES = [
    "assicurato-pensionato",
    "socio-sanitari",
    "sostegno-reddito",
    "soggetto-contribuente",
]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--branches", type=int, default=40)
    parser.add_argument("--per-line-day", type=int, default=120)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-load", action="store_true")
    return parser.parse_args()


def _ensure_database(url: str) -> None:
    """Create the benchmark's database if it does not exist yet."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _load(*, branches: int, per_line_day: int, days: int) -> None:
    from django.db import connection, transaction

    from sedi import calendar
    from sedi.models import Branch, BranchLine, Region, ServiceLine

    today = calendar.today()
    first = today - datetime.timedelta(days=days)
    with transaction.atomic():
        region, _ = Region.objects.get_or_create(
            code=REGION, defaults={"name": "Regione di prova"}
        )
        lines = list(ServiceLine.objects.filter(code__in=LINES))
        for n in range(1, branches + 1):
            branch, created = Branch.objects.get_or_create(
                code=f"bench-{n:02d}",
                defaults={
                    "region": region,
                    "name": f"Sede di prova {n}",
                    "kind": Branch.Kind.COMPLEX_AGENCY,
                    "province": "RM",
                },
            )
            if created:
                for line in lines:
                    BranchLine.objects.create(branch=branch, line=line)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO sportelli_ticket (
                created_at, updated_at, branch_id, line_id, letter, issued_on,
                number, issued_at, channel, priority, public_code, status,
                called_at, call_reason, recall_count, finished_at
            )
            SELECT t.issued_at, t.issued_at, t.branch_id, t.line_id, t.letter,
                   t.day, t.n, t.issued_at, 'kiosk', t.r3 < 0.05,
                   'b' || t.branch_id || '-' || t.letter || '-' || t.day || '-' || t.n,
                   CASE WHEN t.r1 < 0.86 THEN 'completed'
                        WHEN t.r1 < 0.94 THEN 'no_show' ELSE 'expired' END,
                   CASE WHEN t.r1 < 0.94
                        THEN t.issued_at + make_interval(secs => floor(t.r2 * 2700))
                   END,
                   '', 0,
                   CASE WHEN t.r1 < 0.86
                        THEN t.issued_at + make_interval(secs => floor(t.r2 * 2700))
                             + make_interval(secs => 120 + floor(t.r3 * 1080))
                        WHEN t.r1 < 0.94
                        THEN t.issued_at
                             + make_interval(secs => floor(t.r2 * 2700) + 120)
                        ELSE (t.day + time '12:30') AT TIME ZONE 'Europe/Rome'
                   END
            FROM (
                SELECT d::date AS day, b.id AS branch_id, l.id AS line_id,
                       l.letter, n,
                       (d::date + time '08:30' + n * interval '100 seconds')
                           AT TIME ZONE 'Europe/Rome' AS issued_at,
                       random() AS r1, random() AS r2, random() AS r3
                FROM generate_series(%s::date, %s::date, interval '1 day') AS d
                CROSS JOIN sedi_branch b
                CROSS JOIN sedi_serviceline l
                CROSS JOIN generate_series(1, %s) AS n
                WHERE b.code LIKE 'bench-%%' AND l.code = ANY(%s)
                  AND extract(isodow FROM d) < 6
            ) AS t
            -- In issue order, as the service inserts them: a day's tickets
            -- get neighbouring ids.
            ORDER BY t.issued_at, t.branch_id, t.line_id
            ON CONFLICT DO NOTHING
            """,
            [first, today, per_line_day, LINES],
        )
        tickets = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO sportelli_ticket_services (ticket_id, service_id)
            SELECT t.id, s.id
            FROM sportelli_ticket t
            JOIN sedi_branch b ON b.id = t.branch_id AND b.code LIKE 'bench-%%'
            JOIN LATERAL (
                SELECT id FROM sedi_service
                WHERE line_id = t.line_id
                ORDER BY position OFFSET (t.number %% 3) LIMIT 1
            ) s ON true
            WHERE t.status = 'completed'
            ON CONFLICT DO NOTHING
            """,
            [],
        )
        services = cursor.rowcount
        cursor.execute("ANALYZE")
    print(
        f"loaded {tickets} tickets and {services} services performed "
        f"in {time.perf_counter() - started:.0f} s"
    )
    from reports.services import days_close

    started = time.perf_counter()
    closed = days_close(date_from=first, date_to=today - datetime.timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_dailyticketsummary")
    print(
        f"closed {len(closed)} days in {time.perf_counter() - started:.0f} s "
        f"({first} to {closed[-1] if closed else '-'})"
    )


def _measure(*, days: int, runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reports.models import DailyTicketSummary
    from sedi import calendar
    from sedi.models import Region, StaffRole
    from sportelli.models import Ticket

    user, _ = get_user_model().objects.get_or_create(username="bench-regione")
    StaffRole.objects.get_or_create(
        user=user,
        role=StaffRole.Role.REGIONAL,
        region=Region.objects.get(code=REGION),
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    today = calendar.today()
    year = {
        "date_from": (today - datetime.timedelta(days=days)).isoformat(),
        "date_to": today.isoformat(),
    }
    print(
        f"tickets: {Ticket.objects.count()}, summary rows: "
        f"{DailyTicketSummary.objects.count()}, live today: "
        f"{Ticket.objects.filter(issued_on=today).count()}"
    )
    cases = {
        "year by day, first page": {**year},
        "year by day, last page": {**year, "page": "last"},
        "year by week": {**year, "group": "week"},
        "year by month": {**year, "group": "month"},
        "year by month, one branch": {**year, "group": "month", "branch": "bench-01"},
    }
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(
        "| request | rows | cold median ms | cold queries "
        "| warm median ms | warm min–max ms | warm queries |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, params in cases.items():
        results = {}
        for kind in ("cold", "warm"):
            timings = []
            queries = 0
            body: dict = {}
            if kind == "warm":
                client.get("/api/v1/reports/tickets/", params)  # fill the cache
            for _run in range(runs):
                if kind == "cold":
                    cache.clear()  # today's live figures computed again
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get("/api/v1/reports/tickets/", params)
                    timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.content[:500]
                queries = len(captured)
                body = response.json()
            results[kind] = (timings, queries, body["count"])
        cold, warm = results["cold"], results["warm"]
        print(
            f"| {name} | {cold[2]} | {statistics.median(cold[0]):.0f} | {cold[1]} "
            f"| {statistics.median(warm[0]):.0f} "
            f"| {min(warm[0]):.0f}–{max(warm[0]):.0f} | {warm[1]} |"
        )
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def main() -> None:
    args = _arguments()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own.")
    _ensure_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    if not args.skip_load:
        _load(branches=args.branches, per_line_day=args.per_line_day, days=args.days)
    _measure(days=args.days, runs=args.runs)


if __name__ == "__main__":
    main()
