"""Benchmark: the consultation agenda at national scale.

Run on PostgreSQL only, on a database of its own (dropped and recreated):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontoffice_bench_agenda \\
        .venv/bin/python -m bench.agenda [--runs 5]

The process lives at 09:00 of the next working Monday–Thursday
(``bench/clock.py``, time-machine, ticking): the real rules run at a real
opening time, none is weakened. It writes 600 branches of one region, six
lines each (the four standard lines, Indebiti and Poli Specialistici) and a
meeting point on each of the five lines that have one, with the product's
models in bulk (``bulk_create``, and one ``INSERT … SELECT`` for the
appointments: one per slot at most, only on consultation days, as the
partial unique constraint requires). The first 40 branches are densely
booked (``--dense``, 90 % of the slots) over the next 90 days.

It then measures, median of ``--runs`` runs with the number of SQL queries
(``connection.execute_wrapper``):

- the first-free-slot search of a line at a branch: the selector booking
  uses (``free_slot_list`` over 30 days) and the slots API the contact
  centre asks (Django's test client, signed in as the contact centre);
- booking the first free slot: the ``appointment_book`` service and the
  booking API (each run takes a slot, the partial unique constraint and
  the retry on a lost slot included);
- the backlog job (``backlog_flag``) over the 600 × 6 lines, the first run
  inserting the flags and notifying the region, the next ones updating
  them, at two densities of the other 560 branches: sparse (``--sparse``)
  and dense (``--dense`` over 120 days, every other branch fully booked for
  its first 35 days, so flagged).

It prints a Markdown table and writes it to
``bench/results/agenda-<date>-<HHMM>.md`` (``--no-write`` to skip).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, its own folder would come first and bench/requests.py
# would hide the requests package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontoffice.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")

REGION = "bench-agenda"
AGENDA_BRANCHES = 40
AGENDA_DAYS = 90
FIRST_LINE = "assicurato-pensionato"
FISCAL_CODE = "RSSMRA85T10A562S"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--branches", type=int, default=600)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dense", type=float, default=0.9)
    parser.add_argument("--sparse", type=float, default=0.3)
    parser.add_argument("--note", default="", help="a line for the results file")
    parser.add_argument("--no-write", action="store_true")
    return parser.parse_args()


def _recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    if name == "frontoffice_bench":
        sys.exit("frontoffice_bench belongs to the hall bench: use another database.")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class QueryCounter:
    """Count the SQL statements run on the default connection."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: Any,
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counted() -> Iterator[QueryCounter]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def _measure(action: Callable[[], Any], runs: int) -> tuple[list[float], list[int]]:
    timings, queries = [], []
    for _run in range(runs):
        with counted() as counter:
            started = time.perf_counter()
            action()
            timings.append((time.perf_counter() - started) * 1000)
        queries.append(counter.count)
    return timings, queries


def _consultation_days(
    first: datetime.date, last: datetime.date
) -> list[datetime.date]:
    from sedi import calendar
    from sedi.models import Branch

    # Every bench branch is in Rome with the same patron day.
    sample = Branch(kind=Branch.Kind.COMPLEX_AGENCY, province="RM")
    days = []
    day = first
    while day <= last:
        if calendar.consultation_day(branch=sample, day=day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _seed_structure(branches: int) -> None:
    from django.db import transaction

    from consulenza.models import MeetingPoint
    from consulenza.selectors import LINE_KINDS_WITH_MEETING_POINT
    from sedi import calendar
    from sedi.models import Branch, BranchLine, Region, ServiceLine
    from sedi.services import catalogue_sync

    catalogue_sync()
    today = calendar.today()
    lines = list(ServiceLine.objects.order_by("position"))
    with transaction.atomic():
        region = Region.objects.create(code=REGION, name="Regione di prova")
        rows = Branch.objects.bulk_create(
            Branch(
                region=region,
                code=f"agenda-{n:03d}",
                name=f"Sede di prova {n}",
                kind=Branch.Kind.COMPLEX_AGENCY,
                province="RM",
                has_specialist_hubs=True,
            )
            for n in range(1, branches + 1)
        )
        BranchLine.objects.bulk_create(
            BranchLine(branch=branch, line=line) for branch in rows for line in lines
        )
        MeetingPoint.objects.bulk_create(
            MeetingPoint(
                branch=branch,
                line=line,
                name=f"{line.name} 1",
                opened_on=today - datetime.timedelta(days=60),
            )
            for branch in rows
            for line in lines
            if line.kind in LINE_KINDS_WITH_MEETING_POINT
        )
    print(f"{len(rows)} branches × {len(lines)} lines, meeting points on 5 of them")


def _book_slots(
    *,
    density: float,
    days: list[datetime.date],
    branch_from: int,
    branch_to: int,
    full: bool = False,
    every_other: bool = False,
) -> int:
    """Book a share of the slots of the branches numbered in the range.

    One row per slot at most (ON CONFLICT DO NOTHING keeps the slots booked
    already): the partial unique constraint is the product's own guarantee.
    """
    from django.db import connection

    from consulenza.selectors import day_slot_starts

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO consulenza_appointment (
                created_at, updated_at, fiscal_code, first_name, last_name,
                email, phone, channel, meeting_point_id, start, "end", status,
                preparation_notes, outcome
            )
            SELECT now() - random() * interval '40 days', now(), %s, 'Anna',
                   'Piena', '', '', 'ccm', mp.id,
                   (d + s.t) AT TIME ZONE 'Europe/Rome',
                   (d + s.t + make_interval(mins => mp.slot_minutes))
                       AT TIME ZONE 'Europe/Rome',
                   'booked', '', ''
            FROM consulenza_meetingpoint mp
            JOIN sedi_branch b ON b.id = mp.branch_id
            CROSS JOIN unnest(%s::date[]) AS d
            CROSS JOIN unnest(%s::time[]) AS s(t)
            WHERE b.code >= %s AND b.code <= %s
              AND (%s OR random() < %s)
              AND (NOT %s OR mod(b.id, 2) = 0)
            ON CONFLICT DO NOTHING
            """,
            [
                FISCAL_CODE,
                days,
                # The bench's meeting points all take 30-minute slots.
                [
                    start.time()
                    for start, _end in day_slot_starts(slot_minutes=30, day=days[0])
                ],
                f"agenda-{branch_from:03d}",
                f"agenda-{branch_to:03d}",
                full,
                density,
                every_other,
            ],
        )
        booked = cursor.rowcount
        cursor.execute("ANALYZE consulenza_appointment")
    return booked


def _contact_centre() -> Any:
    from django.contrib.auth import get_user_model

    from sedi.models import Region, StaffRole

    user, _ = get_user_model().objects.get_or_create(username="bench-ccm")
    StaffRole.objects.get_or_create(
        user=user,
        role=StaffRole.Role.CONTACT_CENTRE,
        region=Region.objects.get(code=REGION),
    )
    regional, _ = get_user_model().objects.get_or_create(
        username="bench-cric", defaults={"email": "cric@example.it"}
    )
    StaffRole.objects.get_or_create(
        user=regional,
        role=StaffRole.Role.REGIONAL,
        region=Region.objects.get(code=REGION),
    )
    return user


def _agenda_rows(runs: int) -> list[tuple[str, list[float], list[int], str]]:
    from django.test import Client

    from consulenza.selectors import BOOKING_WINDOW_DAYS, free_slot_list
    from consulenza.services import MAX_BOOKING_ATTEMPTS, Citizen, appointment_book
    from sedi import calendar
    from sedi.models import Branch, ServiceLine

    user = _contact_centre()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    line = ServiceLine.objects.get(code=FIRST_LINE)
    today = calendar.today()
    last_day = today + datetime.timedelta(days=BOOKING_WINDOW_DAYS)
    branches = list(
        Branch.objects.filter(code__lte=f"agenda-{AGENDA_BRANCHES:03d}").order_by(
            "code"
        )
    )
    rows = []
    found: list[Any] = []

    def search() -> None:
        found[:] = free_slot_list(
            branch=branches[0],
            line=line,
            first_day=today,
            last_day=last_day,
            limit=MAX_BOOKING_ATTEMPTS,
        )

    timings, queries = _measure(search, runs)
    first = found[0].start.isoformat() if found else "none"
    rows.append(
        (
            "first free slot: free_slot_list (selector of booking)",
            timings,
            queries,
            f"first {first}",
        )
    )

    url = f"/api/v1/branches/{branches[0].code}/lines/{FIRST_LINE}/slots/"
    answers: list[Any] = []

    def api_search() -> None:
        response = client.get(url, {"days": 31})
        assert response.status_code == 200, response.content[:300]
        answers[:] = response.json()

    timings, queries = _measure(api_search, runs)
    rows.append(
        (
            "first free slot: GET …/slots/?days=31 (contact centre)",
            timings,
            queries,
            f"{len(answers)} free slots in 31 days",
        )
    )

    turn = iter(branches[1:])
    kinds: list[str] = []

    def book() -> None:
        result = appointment_book(
            branch=next(turn),
            line_code=FIRST_LINE,
            citizen=Citizen(FISCAL_CODE, "Mario", "Rossi"),
            channel="ccm",
            booked_by=user,
        )
        kinds.append(type(result).__name__)

    timings, queries = _measure(book, runs)
    rows.append(
        (
            "booking the first free slot: appointment_book",
            timings,
            queries,
            ", ".join(sorted(set(kinds))),
        )
    )

    statuses: list[int] = []

    def api_book() -> None:
        response = client.post(
            "/api/v1/appointments/",
            {
                "branch": next(turn).code,
                "line": FIRST_LINE,
                "channel": "ccm",
                "citizen": {
                    "fiscal_code": FISCAL_CODE,
                    "first_name": "Mario",
                    "last_name": "Rossi",
                },
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content[:300]
        statuses.append(response.status_code)

    timings, queries = _measure(api_book, runs)
    rows.append(
        (
            "booking the first free slot: POST /api/v1/appointments/",
            timings,
            queries,
            f"{len(statuses)} × 201",
        )
    )
    return rows


def _backlog_rows(
    label: str, runs: int
) -> list[tuple[str, list[float], list[int], str]]:
    from django.core import mail

    from consulenza.models import Appointment, BacklogFlag
    from consulenza.services import backlog_flag

    BacklogFlag.objects.all().delete()
    mail.outbox = []
    appointments = Appointment.objects.exclude(
        status=Appointment.Status.CANCELLED
    ).count()
    flags: list[Any] = []

    def run() -> None:
        flags[:] = backlog_flag()

    first_t, first_q = _measure(run, 1)
    levels: dict[str, int] = {}
    for flag in flags:
        levels[flag.level] = levels.get(flag.level, 0) + 1
    shares = ", ".join(f"{k} {v}" for k, v in sorted(levels.items()))
    note = (
        f"{len(flags)} flags ({shares}); "
        f"{appointments} appointments; {len(mail.outbox)} e-mails"
    )
    next_t, next_q = _measure(run, runs)
    return [
        (f"backlog job, {label}: first run (inserts)", first_t, first_q, note),
        (
            f"backlog job, {label}: next runs (updates)",
            next_t,
            next_q,
            f"{len(mail.outbox)} e-mails in all",
        ),
    ]


def _table(rows: list[tuple[str, list[float], list[int], str]]) -> str:
    lines = [
        "| measure | runs | median ms | min–max ms | queries | notes |",
        "|---|---|---|---|---|---|",
    ]
    for name, timings, queries, note in rows:
        spread = f"{min(timings):.0f}–{max(timings):.0f}"
        counts = sorted(set(queries))
        shown = str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
        lines.append(
            f"| {name} | {len(timings)} | {statistics.median(timings):.0f} | {spread} "
            f"| {shown} | {note} |"
        )
    return "\n".join(lines)


def main() -> None:
    args = _arguments()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own.")
    _recreate_database(url)
    real_start = datetime.datetime.now(datetime.UTC)  # before the clock moves

    from bench import clock

    os.environ.setdefault("BENCH_AT", clock.next_morning().isoformat())
    clock.start()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from consulenza.selectors import BACKLOG_HORIZON_DAYS
    from sedi import calendar

    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    mail.outbox = []
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _seed_structure(args.branches)
    today = calendar.today()
    agenda_days = _consultation_days(
        today, today + datetime.timedelta(days=AGENDA_DAYS)
    )
    horizon_days = _consultation_days(
        today, today + datetime.timedelta(days=BACKLOG_HORIZON_DAYS)
    )
    dense = _book_slots(
        density=args.dense, days=agenda_days, branch_from=1, branch_to=AGENDA_BRANCHES
    )
    sparse = _book_slots(
        density=args.sparse,
        days=horizon_days,
        branch_from=AGENDA_BRANCHES + 1,
        branch_to=args.branches,
    )
    print(
        f"seeded {dense} appointments on {AGENDA_BRANCHES} branches, {sparse} on the "
        f"others in {time.perf_counter() - started:.0f} s"
    )
    rows = _agenda_rows(args.runs)
    print(_table(rows))
    rows += _backlog_rows(f"others at {args.sparse:.0%}", args.runs)
    print(_table(rows[-2:]))

    started = time.perf_counter()
    added = _book_slots(
        density=args.dense,
        days=horizon_days,
        branch_from=AGENDA_BRANCHES + 1,
        branch_to=args.branches,
    )
    # Every other branch: fully booked for its first 35 days (flagged).
    early = [d for d in horizon_days if d <= today + datetime.timedelta(days=35)]
    added += _book_slots(
        density=1.0,
        days=early,
        branch_from=AGENDA_BRANCHES + 1,
        branch_to=args.branches,
        full=True,
        every_other=True,
    )
    print(f"added {added} appointments in {time.perf_counter() - started:.0f} s")
    rows += _backlog_rows(
        f"others at {args.dense:.0%}, half full for 35 days", args.runs
    )

    load = os.getloadavg()
    header = (
        f"# Agenda benchmark, {real_start:%Y-%m-%d %H:%M} UTC (process clock "
        f"{os.environ['BENCH_AT']})\n\n"
        f"{args.branches} branches × 6 lines (meeting points on 5), the first "
        f"{AGENDA_BRANCHES} booked at {args.dense:.0%} over {AGENDA_DAYS} days; "
        f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on "
        f"{os.cpu_count()} cores.\n"
    )
    if args.note:
        header += f"\n{args.note}\n"
    text = f"{header}\n{_table(rows)}\n"
    print(text)
    if not args.no_write:
        path = ROOT / "bench" / "results" / f"agenda-{real_start:%Y-%m-%d-%H%M}.md"
        path.write_text(text)
        print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
