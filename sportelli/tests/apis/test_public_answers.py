"""Hall displays and virtual tickets answered from the shared cache, never stale."""

import datetime
import io

import pytest
import time_machine
from django.core import signals
from django.db import close_old_connections

from frontoffice.common import public_cache
from sedi.models import ServiceLine
from sedi.services import catalogue_sync
from sportelli import selectors, services
from sportelli.tests.conftest import ROME
from sportelli.tests.factories import ShiftFactory, TicketFactory

pytestmark = pytest.mark.django_db

DISPLAY = "/api/v1/branches/roma-centro/display/"


@pytest.fixture
def views_run(monkeypatch):
    """Record each time a public view runs (it always looks up its branch)."""
    runs: list[str] = []
    real_lookup = selectors.branch_public_id

    def spy(**kwargs):
        runs.append(kwargs["code"])
        return real_lookup(**kwargs)

    monkeypatch.setattr(selectors, "branch_public_id", spy)
    return runs


def test_a_place_in_line_moves_as_soon_as_someone_ahead_is_called(
    api_client, branch, counter, operator, morning
):
    shift = ShiftFactory.create(counter=counter, operator=operator)
    TicketFactory.create(branch=branch, number=8, line=shift.line)
    mine = TicketFactory.create(branch=branch, number=9, line=shift.line)
    url = f"/api/v1/tickets/status/{mine.public_code}/"
    before = api_client.get(url).json()

    # Another ticket's event: the answer kept for this one is retired too.
    services.ticket_call_next(counter=counter, operator=operator)
    after = api_client.get(url).json()

    assert (before["position"], after["position"]) == (2, 1)


def test_a_stored_answer_is_replayed_before_the_view_with_its_headers(
    api_client,
    branch,
    counter,
    operator,
    morning,
    views_run,
    django_assert_num_queries,
):
    ShiftFactory.create(counter=counter, operator=operator)
    first = api_client.get(DISPLAY)
    views_run.clear()

    with django_assert_num_queries(0):
        again = api_client.get(DISPLAY)
        unchanged = api_client.get(DISPLAY, HTTP_IF_NONE_MATCH=first["ETag"])

    assert views_run == []
    assert again.status_code == 200
    assert again.content == first.content
    for header in (
        "Content-Type",
        "ETag",
        "Cache-Control",
        "X-Content-Type-Options",
        "Content-Security-Policy",
    ):
        assert again[header] == first[header]
    assert "Set-Cookie" not in again
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == first["ETag"]


def test_a_signed_in_read_takes_the_whole_path(
    api_client, branch, counter, operator, morning, views_run
):
    ShiftFactory.create(counter=counter, operator=operator)
    api_client.get(DISPLAY)
    views_run.clear()

    answer = api_client.get(DISPLAY, HTTP_AUTHORIZATION="Token not-a-token")

    # The view ran (and, public, it ignores the header).
    assert views_run == ["roma-centro"]
    assert answer.status_code == 200


def test_an_answer_built_while_a_change_commits_is_not_served_after(branch):
    builds = []

    def build_while_a_call_commits():
        builds.append(1)
        # The rows read here may predate a call that commits meanwhile.
        public_cache.bump(branch.pk)
        return {"calls": len(builds)}

    public_cache.cached_json(
        key="display-test", branch_id=branch.pk, build=build_while_a_call_commits
    )
    second = public_cache.cached_json(
        key="display-test", branch_id=branch.pk, build=lambda: {"calls": 2}
    )
    third = public_cache.cached_json(
        key="display-test", branch_id=branch.pk, build=lambda: {"calls": 3}
    )

    # Filed under a generation the change retired: rebuilt, then kept.
    assert second.body == b'{"calls":2}'
    assert third.body == b'{"calls":2}'


def test_tickets_closed_at_half_past_twelve_leave_the_public_answers(
    api_client, branch, counter, operator, morning
):
    shift = ShiftFactory.create(counter=counter, operator=operator)
    ticket = TicketFactory.create(branch=branch, number=8, line=shift.line)
    url = f"/api/v1/tickets/status/{ticket.public_code}/"
    assert api_client.get(url).json()["status"] == "waiting"

    morning.move_to(datetime.datetime(2026, 12, 2, 12, 30, tzinfo=ROME))
    assert services.tickets_expire() == 1

    assert api_client.get(url).json()["status"] == "expired"


def _rename_line(shift):
    shift.line.name = "Linea rinominata"
    shift.line.save()


def _rename_service(shift):
    service = shift.line.services.order_by("position").first()
    service.name = "Servizio rinominato"
    service.save()


def _rename_counter(shift):
    shift.counter.name = "Sportello rinominato"
    shift.counter.save()


def _rename_branch(shift):
    shift.counter.branch.name = "Sede rinominata"
    shift.counter.branch.save()


def _close_line_at_branch(shift):
    shift.counter.branch.branch_lines.filter(line=shift.line).delete()


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (_rename_line, lambda data: data["counters"][0]["line_name"]),
        (_rename_service, lambda data: data["counters"][0]["services"][0]),
        (_rename_counter, lambda data: data["counters"][0]["counter"]),
        (_rename_branch, lambda data: data["branch_name"]),
        (
            _close_line_at_branch,
            lambda data: sorted(row["line"] for row in data["lines"]),
        ),
    ],
)
def test_the_set_up_a_display_names_retires_its_answer_when_changed(
    api_client, branch, counter, operator, morning, change, shown
):
    # Kept up to the next hour: only the change itself can retire it.
    shift = ShiftFactory.create(counter=counter, operator=operator)
    before = shown(api_client.get(DISPLAY).json())

    change(shift)
    after = shown(api_client.get(DISPLAY).json())

    assert after != before


def test_the_catalogue_sync_retires_the_displays_naming_its_lines(
    api_client, branch, counter, operator, morning
):
    shift = ShiftFactory.create(counter=counter, operator=operator)
    catalogue_sync()
    ServiceLine.objects.filter(pk=shift.line_id).update(name="Nome superato")
    stale = api_client.get(DISPLAY).json()["counters"][0]["line_name"]

    # The sync puts the guideline's name back, in bulk (no signal).
    assert catalogue_sync() > 0
    fresh = api_client.get(DISPLAY).json()["counters"][0]["line_name"]

    assert (stale, fresh) == ("Nome superato", shift.line.name)


def test_an_unknown_virtual_ticket_is_a_404_each_time(api_client, morning):
    url = "/api/v1/tickets/status/not-a-ticket/"

    assert api_client.get(url).status_code == 404
    assert api_client.get(url).status_code == 404


def _wsgi_get(path, **headers):
    """Call the deployed WSGI application as gunicorn does."""
    from frontoffice.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        **headers,
    }
    started = []
    # As the test client does: the test's transaction must keep its connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, lambda status, h: started.append((status, h)))
        body = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    status, header_list = started[0]
    return status, dict(header_list), body


def test_the_deployed_application_sends_a_stored_answer_without_django(
    branch, counter, operator, morning, views_run, django_assert_num_queries
):
    ShiftFactory.create(counter=counter, operator=operator)
    status, first_headers, first_body = _wsgi_get(DISPLAY)
    views_run.clear()

    with django_assert_num_queries(0):
        again = _wsgi_get(DISPLAY)
        unchanged = _wsgi_get(DISPLAY, HTTP_IF_NONE_MATCH=first_headers["ETag"])
    other_host = _wsgi_get(DISPLAY, HTTP_HOST="attacker.example")

    assert status == "200 OK"
    assert views_run == []
    assert again[0] == "200 OK"
    assert again[2] == first_body
    assert again[1]["X-Content-Type-Options"] == "nosniff"
    assert again[1]["Content-Length"] == str(len(first_body))
    assert unchanged[0] == "304 Not Modified"
    assert unchanged[2] == b""
    # A host the site does not serve is refused by the full path, as before.
    assert other_host[0].startswith("400")


def test_an_answer_moved_by_events_is_kept_until_the_next_hour_at_most():
    nine = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=ROME).timestamp()

    assert public_cache.until_next_hour(cap=300, now=nine) == 300
    assert public_cache.until_next_hour(cap=300, now=nine + 58 * 60) == 120
    assert public_cache.until_next_hour(cap=300, now=nine + 3599.5) == 1


@pytest.mark.parametrize("answer", ["display", "virtual ticket"])
@pytest.mark.parametrize(
    ("shared", "minute", "kept"),
    [(True, 0, 300), (True, 58, 120), (False, 0, 2)],
)
def test_public_answers_are_kept_until_an_event_or_the_hour_only_when_shared(
    api_client, branch, settings, monkeypatch, answer, shared, minute, kept
):
    settings.PUBLIC_CACHE_SECONDS = 2
    settings.PUBLIC_EVENT_SECONDS = 300
    monkeypatch.setattr(public_cache, "_shared", lambda: shared)
    stored: dict[str, int] = {}
    real_set = public_cache._set

    def spy(key, value, timeout):
        stored[key.split(":")[0]] = timeout
        return real_set(key, value, timeout)

    monkeypatch.setattr(public_cache, "_set", spy)
    at = datetime.datetime(2026, 12, 2, 9, minute, tzinfo=ROME)
    with time_machine.travel(at, tick=False):
        ticket = TicketFactory.create(branch=branch, number=5)
        url = (
            DISPLAY
            if answer == "display"
            else f"/api/v1/tickets/status/{ticket.public_code}/"
        )
        response = api_client.get(url)

    assert response.status_code == 200
    assert stored["public-response"] == kept
