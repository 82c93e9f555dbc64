"""Faults: PostgreSQL restarted under load, the application left running.

A real gunicorn serves the API and reaches PostgreSQL through a small TCP
relay owned by the test. Stopping the relay cuts every open connection and
refuses new ones, as a database restart does, without disturbing anyone
else using the server; starting it again is the database coming back.
While it is down the API answers 503 with ``Retry-After`` (never a 500),
nothing is half-written, and afterwards the same process serves again:
the protocol register continues with no number given twice.
"""

import contextlib
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.db import connection
from rest_framework.authtoken.models import Token

from reception.models import ProtocolEntry
from sedi.models import StaffRole
from sedi.services import catalogue_sync
from sedi.tests.factories import BranchFactory, StaffRoleFactory, UserFactory
from tests.worker import current_database_url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Relay:
    """Forward a local port to PostgreSQL; ``down()`` is a restart."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = _free_port()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._running = threading.Event()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)
        self._listener = listener
        self._running.set()
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        self._running.clear()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for end in pair:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    def _accept(self, listener: socket.socket) -> None:
        while self._running.is_set():
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, server))
            threading.Thread(
                target=self._pump, args=(client, server), daemon=True
            ).start()

    @staticmethod
    def _pump(client: socket.socket, server: socket.socket) -> None:
        ends = {client: server, server: client}
        try:
            while True:
                ready, _, _ = select.select(list(ends), [], [], 1.0)
                for end in ready:
                    data = end.recv(65536)
                    if not data:
                        return
                    ends[end].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for end in ends:
                with contextlib.suppress(OSError):
                    end.close()


@contextlib.contextmanager
def gunicorn(database_url: str) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "restart-test-" + "x" * 40,
        "DJANGO_SECURE_COOKIES": "0",
        # Persistent connections, as in production: the dead ones must be
        # noticed and replaced, not reused.
        "DB_CONN_MAX_AGE": "60",
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "frontoffice.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{base}/healthz", timeout=2).ok:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        try:
            _, errors = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            _, errors = process.communicate()
        # A traceback in the log would be an unhandled error.
        assert b"Traceback" not in errors, errors.decode(errors="replace")[-3000:]


def _register(base: str, token: str, n: int) -> requests.Response:
    return requests.post(
        f"{base}/api/v1/branches/roma-centro/protocol/",
        json={"kind": "documento", "subject": f"Istanza {n}", "attachments": 1},
        headers={"Authorization": f"Token {token}"},
        timeout=10,
    )


def test_requests_fail_cleanly_while_the_database_restarts_then_recover():
    catalogue_sync()
    branch = BranchFactory.create(code="roma-centro")
    receptionist = UserFactory.create(username="accoglienza")
    StaffRoleFactory.create(
        user=receptionist, role=StaffRole.Role.RECEPTION, branch=branch
    )
    token = Token.objects.create(user=receptionist).key
    db = connection.settings_dict
    relay = Relay((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    relay.up()
    url = current_database_url().replace(f":{db['PORT'] or 5432}/", f":{relay.port}/")
    try:
        with gunicorn(url) as base:
            before = [_register(base, token, n) for n in range(3)]

            relay.down()  # the database restarts
            during = [_register(base, token, n) for n in range(3, 6)]
            during.append(
                requests.get(
                    f"{base}/api/v1/branches/",
                    headers={"Authorization": f"Token {token}"},
                    timeout=10,
                )
            )

            relay.up()  # and is back: the same process serves again
            after = [_register(base, token, n) for n in range(6, 9)]
    finally:
        relay.down()

    assert [r.status_code for r in before] == [201, 201, 201]
    assert [r.status_code for r in during] == [503, 503, 503, 503]
    for response in during:
        assert response.json()["code"] == "database_unavailable"
        assert response.headers["Retry-After"] == "5"
    assert [r.status_code for r in after] == [201, 201, 201]
    numbers = [r.json()["number"] for r in before + after]
    assert len(set(numbers)) == 6
    subjects = set(ProtocolEntry.objects.values_list("subject", flat=True))
    assert subjects == {f"Istanza {n}" for n in (0, 1, 2, 6, 7, 8)}
