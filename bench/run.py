"""``make bench``: the hall's hot paths against PostgreSQL's own ceiling.

1. Hall morning: open-loop ticket issue, call-next, complete, queue and
   display reads on one branch and on 40, at rising offered rates, then a
   check that no ticket was lost, numbered twice or called twice.
2. Ceiling: the ticket-issue transaction (sequence upsert, ticket insert,
   event insert) run by pgbench straight on PostgreSQL.
3. Displays: the public hall display and the virtual ticket at national
   scale (600 branches), read by wrk with many connections.

Prints one Markdown table and writes it to ``bench/results/<date>-<time>.md``.
See bench/README.md for what each figure means.
"""

import argparse
import asyncio
import datetime
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psycopg

from bench import load
from bench.clock import next_morning

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PYTHON = sys.executable
TARGET_P95_MS = 100.0


def one(url: str, sql: str, params: list | None = None) -> Any:
    """Return the first row of ``sql`` run on the bench database."""
    with psycopg.connect(url) as conn:
        row = conn.execute(sql, params).fetchone()
    assert row is not None
    return row


def figure(pattern: str, text: str) -> float:
    """Return the number captured by ``pattern`` in a tool's output."""
    match = re.search(pattern, text, re.M)
    if match is None:
        raise SystemExit(f"not found in the output: {pattern}\n{text}")
    return float(match.group(1))


def sh(*args: str, env: dict | None = None) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(args[:4])}")
    return result.stdout


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.url = args.database_url
        self.at = next_morning()
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-" + "s" * 48,
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # One load generator stands in for a hall of kiosks: the
            # per-caller issue limit (a defence against one caller) is off.
            "TICKET_ISSUE_RATE": "0",
            "BENCH_AT": self.at.isoformat(),
            "BENCH_BIND": f"127.0.0.1:{args.port}",
            "BENCH_WORKERS": str(args.workers),
            "BENCH_THREADS": str(args.threads),
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "frontoffice.settings",
        }
        if not args.redis_url:
            self.env.pop("REDIS_URL", None)
        else:
            self.env["REDIS_URL"] = args.redis_url
        self.base = f"http://127.0.0.1:{args.port}"
        self.rows: list[tuple[str, ...]] = []
        self.notes: list[str] = []

    # --- set-up -----------------------------------------------------------
    def database(self) -> None:
        parts = urlparse(self.url)
        name = parts.path.lstrip("/")
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        sh(PYTHON, "manage.py", "migrate", "--noinput", env=self.env)

    def seed(self) -> dict:
        out = Path(tempfile.mkstemp(suffix=".json")[1])
        sh(
            PYTHON,
            "-m",
            "bench.seed",
            "--staffed",
            # 40 branches, one fresh branch per rate, one to warm up on.
            str(self.args.branches + len(self.args.rates) + 1),
            "--displays",
            str(self.args.displays),
            "--out",
            str(out),
            env=self.env,
        )
        return json.loads(out.read_text())

    def server(self) -> subprocess.Popen:
        process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "frontoffice.wsgi",
                "-c",
                str(BENCH / "gunicorn_conf.py"),
            ],
            cwd=ROOT,
            env=self.env,
        )
        for _ in range(100):
            try:
                with psycopg.connect(self.url):
                    pass
                import urllib.request

                urllib.request.urlopen(f"{self.base}/healthz", timeout=1)
                return process
            except Exception:
                time.sleep(0.2)
        process.kill()
        raise SystemExit("the bench server did not start")

    def warm_up(self, branch: dict) -> None:
        """Let every worker import, connect and fill its caches first."""
        mix = [(w, a) for w, a in self.hall_mix([branch]) if w]
        asyncio.run(load.run(rate=20, duration=3, mix=mix))

    # --- 1. hall morning --------------------------------------------------
    def hall_mix(
        self, branches: list[dict], only: str = ""
    ) -> list[tuple[float, load.Action]]:
        """The hall's realistic mix, or one action alone (``issue``, ``serve``)."""
        base = self.base
        counters = [
            {**counter, "busy": False} for b in branches for counter in b["counters"]
        ]
        issued: list[int] = []

        async def issue(session, due, outcome):
            branch = random.choice(branches)
            line = random.choice(branch["counters"])["line"]
            status, body = await load.timed(
                session,
                outcome,
                "issue",
                due,
                "POST",
                f"{base}/api/v1/branches/{branch['code']}/tickets/",
                json={"line": line},
                headers={"Authorization": f"Token {branch['kiosk']}"},
            )
            if status == 201:
                issued.append(body["id"])

        async def serve(session, due, outcome):
            free = [c for c in counters if not c["busy"]]
            if not free:
                outcome.skipped += 1
                return
            counter = random.choice(free)
            counter["busy"] = True
            auth = {"Authorization": f"Token {counter['token']}"}
            try:
                status, body = await load.timed(
                    session,
                    outcome,
                    "call-next",
                    due,
                    "POST",
                    f"{base}/api/v1/counters/{counter['id']}/call-next/",
                    headers=auth,
                )
                if status == 200:
                    await load.timed(
                        session,
                        outcome,
                        "complete",
                        time.monotonic(),
                        "POST",
                        f"{base}/api/v1/tickets/{body['id']}/complete/",
                        json={"services": [counter["service"]]},
                        headers=auth,
                    )
            finally:
                counter["busy"] = False

        async def queue(session, due, outcome):
            branch = random.choice(branches)
            await load.timed(
                session,
                outcome,
                "queue",
                due,
                "GET",
                f"{base}/api/v1/branches/{branch['code']}/queue/",
                headers={"Authorization": f"Token {branch['counters'][0]['token']}"},
            )

        async def display(session, due, outcome):
            branch = random.choice(branches)
            await load.timed(
                session,
                outcome,
                "display",
                due,
                "GET",
                f"{base}/api/v1/branches/{branch['code']}/display/",
            )

        self._issued = issued
        if only == "issue":
            return [(1.0, issue)]
        if only == "serve":
            return [(1.0, serve)]
        return [(0.35, issue), (0.2, serve), (0.1, queue), (0.35, display)]

    def anomalies(self, codes: list[str], created: int) -> dict[str, int]:
        ids = "SELECT id FROM sedi_branch WHERE code = ANY(%s)"
        stored = one(
            self.url,
            f"SELECT count(*) FROM sportelli_ticket WHERE branch_id IN ({ids})",
            [codes],
        )[0]
        twice_numbered = one(
            self.url,
            "SELECT count(*) FROM (SELECT 1 FROM sportelli_ticket"
            f" WHERE branch_id IN ({ids})"
            " GROUP BY branch_id, letter, issued_on, number HAVING count(*) > 1) d",
            [codes],
        )[0]
        twice_called = one(
            self.url,
            "SELECT count(*) FROM (SELECT e.ticket_id FROM sportelli_ticketevent e"
            " JOIN sportelli_ticket t ON t.id = e.ticket_id"
            f" WHERE t.branch_id IN ({ids}) AND e.kind = 'called'"
            " GROUP BY e.ticket_id HAVING count(*) > 1) d",
            [codes],
        )[0]
        return {
            "lost": max(0, created - stored),
            "numbered twice": twice_numbered,
            "called twice": twice_called,
        }

    def hall(
        self,
        name: str,
        branch_sets: list[list[dict]],
        only: str = "",
        rates: list[float] | None = None,
    ) -> None:
        held = None
        total_issued = 0
        scenario = {"": "hall", "issue": "ticket issue only", "serve": "call-next only"}
        label = f"{scenario[only]}, {name}"
        for rate, branches in zip(rates or self.args.rates, branch_sets, strict=False):
            mix = self.hall_mix(branches, only)
            outcome = asyncio.run(
                load.run(rate=rate, duration=self.args.seconds, mix=mix)
            )
            issued = len(self._issued)
            total_issued = issued if len(branch_sets[0]) == 1 else total_issued + issued
            problems = self.anomalies([b["code"] for b in branches], total_issued)
            p95 = outcome.percentile(95)
            errors = outcome.errors()
            # Call-next counts alone (its complete follows on the same counter).
            kind = {"issue": "issue", "serve": "call-next"}.get(only)
            # A call-next that finds nobody waiting (204) calls nobody: only
            # answers with a ticket count.
            mine = [x.status for x in outcome.samples if x.kind == kind]
            answered = [x for x in mine if x in (200, 201)]
            empty = mine.count(204)
            achieved = len(answered) / outcome.duration if kind else outcome.achieved
            p95 = outcome.percentile(95, kind)
            ok = p95 < TARGET_P95_MS and not errors and achieved > 0.9 * rate
            if ok:
                held = rate
            self.rows.append(
                (
                    label,
                    f"{rate:.0f}/s offered",
                    f"{achieved:.0f}/s",
                    f"{outcome.percentile(50, kind):.0f}",
                    f"{p95:.0f}",
                    f"{outcome.percentile(99, kind):.0f}",
                    (
                        ""
                        if kind
                        else f"issue p95 {outcome.percentile(95, 'issue'):.0f} ms, "
                        f"call-next p95 {outcome.percentile(95, 'call-next'):.0f}"
                        " ms; "
                    )
                    + f"{issued} issued; "
                    + (f"{empty} call-next with nobody waiting; " if empty else "")
                    + f"errors {errors or 0}; "
                    + ", ".join(f"{k} {v}" for k, v in problems.items()),
                )
            )
            if sum(problems.values()):
                self.notes.append(f"ANOMALY in {label} at {rate}/s: {problems}")
            if not ok:
                break
        self.notes.append(
            f"{label}: highest offered rate held with p95 < 100 ms: "
            + (f"{held:.0f}/s" if held else "none of those tried")
        )
        self._held = getattr(self, "_held", {})
        self._held[label] = (held, 1.0 if only else 0.35)

    # --- 2. ceiling -------------------------------------------------------
    def ceiling(self) -> float:
        branches = one(self.url, "SELECT min(id), max(id) FROM sedi_branch")
        lines = one(self.url, "SELECT min(id), max(id) FROM sedi_serviceline")
        parts = urlparse(self.url)
        results = []
        for _ in range(self.args.runs):
            out = sh(
                "pgbench",
                "-n",
                "-f",
                str(BENCH / "pgbench" / "ticket_issue.sql"),
                "-c",
                "8",
                "-j",
                "2",
                "-T",
                str(self.args.seconds),
                "-D",
                f"branch_min={branches[0]}",
                "-D",
                f"branch_max={branches[1]}",
                "-D",
                f"line_min={lines[0]}",
                "-D",
                f"line_max={lines[1]}",
                "-h",
                parts.hostname or "127.0.0.1",
                "-p",
                str(parts.port or 5432),
                "-U",
                parts.username or "postgres",
                parts.path.lstrip("/"),
            )
            results.append(figure(r"tps = ([\d.]+)", out))
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(
                "DELETE FROM sportelli_ticketevent WHERE data ? 'pgbench';"
                "DELETE FROM sportelli_ticket WHERE channel = 'pgbench';"
                "DELETE FROM sportelli_ticketsequence WHERE issued_on > '2090-01-01'"
            )
        tps = statistics.median(results)
        self.rows.append(
            (
                "ceiling: ticket issue in pgbench",
                "8 clients",
                f"{tps:.0f}/s",
                "",
                "",
                "",
                f"median of {self.args.runs} runs of {self.args.seconds} s",
            )
        )
        return tps

    # --- 3. displays ------------------------------------------------------
    def displays(self, data: dict) -> None:
        wrk = shutil.which("wrk")
        if wrk is None:
            self.notes.append("displays: wrk not installed (apt-get install wrk)")
            return
        branches = len(data["displays"])
        paths = [f"/api/v1/branches/{code}/display/" for code in data["displays"]]
        paths += [f"/api/v1/tickets/status/{code}/" for code in data["tickets"]]
        self.warm_displays(paths)
        # The hall screens' own poll: each asks with the version it shows.
        polls = self.display_polls(data["displays"])
        for name, read in (
            (f"displays and virtual tickets, {branches} branches", paths),
            (f"hall screens' 3-second poll, {branches} branches", polls),
        ):
            script = self.wrk_script(read)
            for connections in self.args.display_connections:
                self.displays_with(script, connections, name)

    @staticmethod
    def wrk_script(paths: list[str]) -> str:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write((BENCH / "wrk" / "paths.lua").read_text())
            script.write("\npaths = {" + ",".join(f'"{p}"' for p in paths) + "}\n")
        return script.name

    def display_polls(self, codes: list[str]) -> list[str]:
        """Return each hall screen's poll path with the version it shows."""
        import urllib.request
        from concurrent.futures import ThreadPoolExecutor

        def poll(code: str) -> str:
            path = f"/display/{code}/chiamate/"
            with urllib.request.urlopen(self.base + path, timeout=30) as answer:
                page = answer.read().decode()
            found = re.search(r'data-display-version="(\w+)"', page)
            assert found is not None, path
            return f"{path}?v={found.group(1)}"

        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(poll, codes))

    def displays_with(self, script: str, connections: int, name: str) -> None:
        """wrk with ``connections`` always busy; the median of ``--runs`` runs.

        Closed loop: latency is at least connections ÷ rate (Little's law),
        so the row with fewer connections shows the server's own latency
        near the same rate, the row with more its queueing behind them.
        """
        rates, p50s, p95s, p99s = [], [], [], []
        for _ in range(self.args.runs):
            out = sh(
                str(shutil.which("wrk")),
                "-t2",
                f"-c{connections}",
                f"-d{self.args.seconds}s",
                "-s",
                script,
                self.base,
            )
            rates.append(figure(r"Requests/sec:\s+([\d.]+)", out))
            figures = dict(re.findall(r"^p(\d+) ([\d.]+)$", out, re.M))
            p50s.append(float(figures["50"]) / 1000)
            p95s.append(float(figures["95"]) / 1000)
            p99s.append(float(figures["99"]) / 1000)
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            if errors:
                self.notes.append(f"{name}: {errors.group(1)} non-2xx answers")
        self.rows.append(
            (
                name,
                f"{connections} connections, closed loop",
                f"{statistics.median(rates):.0f}/s",
                f"{statistics.median(p50s):.1f}",
                f"{statistics.median(p95s):.1f}",
                f"{statistics.median(p99s):.1f}",
                f"median of {self.args.runs} runs of {self.args.seconds} s",
            )
        )

    def warm_displays(self, paths: list[str]) -> None:
        """Read every display and virtual ticket once before measuring.

        In a hall the screens are already polling when the morning starts:
        the figure is the steady state, where each answer is rebuilt after
        the ticket event that changes it, not the very first read of each.
        """
        import urllib.request
        from concurrent.futures import ThreadPoolExecutor

        def read(path: str) -> None:
            with urllib.request.urlopen(self.base + path, timeout=30) as answer:
                answer.read()

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(read, paths))

    # --- report -----------------------------------------------------------
    def report(self, ceiling: float | None) -> str:
        lines = [
            f"# Bench {datetime.datetime.now(datetime.UTC).date().isoformat()}",
            "",
            f"Machine: {os.cpu_count()} cores; gunicorn {self.args.workers} workers"
            f" × {self.args.threads} threads; PostgreSQL {self.server_version()};"
            f" clock at {self.at.isoformat()} (Rome).",
            "",
            "| scenario | load | achieved | p50 ms | p95 ms | p99 ms | notes |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        lines.append("")
        if ceiling:
            for label, (held, share_of_mix) in getattr(self, "_held", {}).items():
                if held:
                    serve = label.startswith("call-next")
                    what = "calls" if serve else "tickets issued"
                    rate = share_of_mix * held
                    lines.append(
                        f"- {label}: {what} at {rate:.0f}/s within p95 < 100 ms"
                        f" = {rate / ceiling:.1%} of the pgbench ceiling"
                        f" ({ceiling:.0f}/s)."
                    )
        lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"

    def server_version(self) -> str:
        return str(one(self.url, "SHOW server_version")[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontoffice_bench"
        ),
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", ""))
    parser.add_argument("--port", type=int, default=8790)
    # Threads overlap a request's waits on PostgreSQL and Redis; measured
    # best on 2 cores (bench/results/2026-12-02-0811.md).
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--branches", type=int, default=40)
    parser.add_argument("--displays", type=int, default=600)
    parser.add_argument(
        "--rates",
        type=lambda s: [float(r) for r in s.split(",")],
        default=[50.0, 100.0, 200.0, 300.0, 400.0],
    )
    parser.add_argument(
        "--solo-rates",
        type=lambda s: [float(r) for r in s.split(",")],
        default=[50.0, 100.0, 150.0, 200.0, 300.0, 400.0],
        help="offered rates of ticket issue alone and call-next alone",
    )
    parser.add_argument(
        "--display-connections",
        type=lambda s: [int(c) for c in s.split(",")],
        default=[16, 64],
        help="wrk connections of the display step, one row each",
    )
    parser.add_argument(
        "--steps",
        type=lambda s: set(s.split(",")),
        default={"hall", "solo", "ceiling", "displays"},
        help="the steps to run, comma-separated (default all: "
        "hall,solo,ceiling,displays)",
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.branches, args.displays, args.rates = 2, 20, [20.0, 40.0]
        args.solo_rates = [20.0]
        args.seconds, args.runs = 2, 1
    bench = Bench(args)
    bench.database()
    data = bench.seed()
    staffed = data["staffed"]
    many, spare = staffed[: args.branches], staffed[args.branches : -1]
    server = bench.server()
    try:
        bench.warm_up(staffed[-1])
        if "hall" in args.steps:
            # One branch: a fresh one at each rate (999 numbers a line a day).
            bench.hall("1 branch", [[branch] for branch in spare])
            bench.hall(f"{args.branches} branches", [many] * len(args.rates))
        if "solo" in args.steps:
            # Each hot path alone, against its own target (bench/README.md).
            solo = args.solo_rates
            tried = [many] * len(solo)
            bench.hall(f"{args.branches} branches", tried, "issue", solo)
            bench.hall(f"{args.branches} branches", tried, "serve", solo)
        ceiling = bench.ceiling() if "ceiling" in args.steps else None
        if "displays" in args.steps:
            bench.displays(data)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = bench.report(ceiling)
    print(report)
    if not args.no_write:
        # One file a run (date and UTC time): no run overwrites another.
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d-%H%M")
        out = BENCH / "results" / f"{stamp}.md"
        out.write_text(report)
        print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
