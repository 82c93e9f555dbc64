import datetime
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consulenza.models import Appointment, BacklogFlag, Escalation
from consulenza.services import (
    Citizen,
    appointment_book,
    backlog_flag,
    meeting_point_create,
)
from consulenza.tests.conftest import FISCAL_CODE, PENSIONER, STANDARD_LINES, Role, rome
from consulenza.tests.helpers import fill
from sedi.models import ServiceLine
from sedi.services import staff_role_assign
from sedi.tests.factories import BranchFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = rome(2026, 3, 2, 10, 0)


@pytest.fixture
def agenda(lazio, branch):
    """Roma Centro and Roma EUR, a meeting point on each standard line."""
    eur = BranchFactory.create(region=lazio, code="roma-eur", line_codes=STANDARD_LINES)
    points = {}
    for b in (branch, eur):
        for line in ServiceLine.objects.filter(code__in=STANDARD_LINES):
            points[(b.code, line.code)] = meeting_point_create(
                branch=b, line=line, opened_on=datetime.date(2026, 1, 1)
            )
    return points


@pytest.fixture
def region_staff(lazio):
    """Two regional users of Lazio (one without e-mail) and one of Umbria."""
    users = []
    for name, email, region in (
        ("regione", "cric@lazio.example.it", lazio),
        ("regione-senza-mail", "", lazio),
        ("umbria", "cric@umbria.example.it", RegionFactory.create(code="umbria")),
    ):
        user = UserFactory.create(username=name, email=email)
        staff_role_assign(user=user, role=Role.REGIONAL, region=region)
        users.append(user)
    return users


def _levels() -> dict[tuple[str, str], str]:
    return {
        (f.branch.code, f.line.code): f.level
        for f in BacklogFlag.objects.select_related("branch", "line")
    }


def test_a_line_full_for_30_days_escalates_and_is_the_only_one_flagged(
    branch, agenda, region_staff
):
    with time_machine.travel(NOW, tick=False):
        fill(
            agenda[("roma-centro", PENSIONER)],
            datetime.date(2026, 3, 2),
            datetime.date(2026, 4, 1),
        )
        request = appointment_book(
            branch=branch,
            line_code=PENSIONER,
            citizen=Citizen(FISCAL_CODE, "Mario", "Rossi", phone="06 1234567"),
            channel="ccm",
        )
        flags = backlog_flag()

    assert isinstance(request, Escalation)
    assert len(flags) == 8
    levels = _levels()
    assert levels.pop(("roma-centro", PENSIONER)) == "flagged"
    assert set(levels.values()) == {"ok"}
    flag = BacklogFlag.objects.get(level="flagged")
    assert flag.first_free_slot == rome(2026, 4, 2, 13, 30)
    assert flag.backlog_days == 31
    assert flag.flagged_since == NOW
    assert flag.notified_at == NOW
    assert flag.meeting_points == 1
    # 76 booked + 1 escalated in 28 days → 82.5 a month; a point gives
    # 18 consultation days × 4 slots = 72 in the next 30 days → 2.
    assert flag.recommended_meeting_points == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["cric@lazio.example.it"]
    assert mail.outbox[0].subject == (
        "Agenda appuntamenti oltre 30 giorni: Roma Centro, Linea Assicurato Pensionato"
    )
    assert "primo posto libero tra 31 giorni (2 aprile 2026)" in mail.outbox[0].body


def test_running_twice_keeps_the_flags_and_notifies_once(branch, agenda, region_staff):
    fill(
        agenda[("roma-centro", PENSIONER)],
        datetime.date(2026, 3, 2),
        datetime.date(2026, 4, 1),
    )
    with time_machine.travel(NOW, tick=False):
        backlog_flag()
    first = list(
        BacklogFlag.objects.order_by("pk").values_list(
            "pk", "level", "flagged_since", "notified_at", "backlog_days"
        )
    )

    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        backlog_flag()

    assert (
        list(
            BacklogFlag.objects.order_by("pk").values_list(
                "pk", "level", "flagged_since", "notified_at", "backlog_days"
            )
        )
        == first
    )
    assert len(mail.outbox) == 1


def test_the_flag_clears_when_the_wait_drops_and_a_new_flag_notifies_again(
    branch, agenda, region_staff
):
    point = agenda[("roma-centro", PENSIONER)]
    fill(point, datetime.date(2026, 3, 2), datetime.date(2026, 4, 1))
    with time_machine.travel(NOW, tick=False):
        backlog_flag()
    freed = Appointment.objects.get(meeting_point=point, start=rome(2026, 3, 19, 14, 0))
    freed.status = Appointment.Status.CANCELLED
    freed.save()

    later = NOW + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        backlog_flag()
    cleared = BacklogFlag.objects.get(branch=branch, line=point.line)
    assert (cleared.level, cleared.backlog_days) == ("ok", 17)
    assert (cleared.flagged_since, cleared.notified_at) == (None, None)

    Appointment.objects.create(
        meeting_point=point,
        start=freed.start,
        end=freed.end,
        fiscal_code=FISCAL_CODE,
        first_name="Lia",
        last_name="Neri",
        channel="web",
    )
    again = NOW + datetime.timedelta(hours=2)
    with time_machine.travel(again, tick=False):
        backlog_flag()

    flag = BacklogFlag.objects.get(branch=branch, line=point.line)
    assert (flag.level, flag.flagged_since, flag.notified_at) == (
        "flagged",
        again,
        again,
    )
    assert len(mail.outbox) == 2


def test_a_line_over_21_days_is_warned_not_notified(branch, agenda, region_staff):
    fill(
        agenda[("roma-centro", PENSIONER)],
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 23),
    )

    with time_machine.travel(NOW, tick=False):
        backlog_flag()

    flag = BacklogFlag.objects.get(branch=branch, line__code=PENSIONER)
    assert (flag.level, flag.backlog_days, flag.flagged_since) == ("warning", 22, None)
    assert mail.outbox == []


def test_backlog_flag_queries_do_not_grow_with_the_appointments(
    branch, agenda, region_staff
):
    point = agenda[("roma-centro", PENSIONER)]
    fill(point, datetime.date(2026, 3, 2), datetime.date(2026, 4, 1))
    with time_machine.travel(NOW, tick=False):
        backlog_flag()  # first run inserts the flags and notifies

    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as few:
        backlog_flag()
    added = fill(point, datetime.date(2026, 4, 2), datetime.date(2026, 6, 30))
    with (
        time_machine.travel(NOW, tick=False),
        CaptureQueriesContext(connection) as many,
    ):
        backlog_flag()

    assert added == 192
    assert len(many.captured_queries) == len(few.captured_queries)
    # 7 to compute; savepoint, locked read, one UPDATE of the 8 flags,
    # release; nothing to notify.
    assert len(few.captured_queries) == 7 + 4


def _branches_with_points(region, first: int, count: int) -> list:
    branches = []
    for n in range(first, first + count):
        b = BranchFactory.create(
            region=region, code=f"sede-{n:02d}", line_codes=STANDARD_LINES
        )
        for line in ServiceLine.objects.filter(code__in=STANDARD_LINES):
            meeting_point_create(
                branch=b, line=line, opened_on=datetime.date(2026, 1, 1)
            )
        branches.append(b)
    return branches


def _job_queries(at: datetime.datetime) -> int:
    with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as q:
        backlog_flag()
    return len(q.captured_queries)


def test_backlog_flag_queries_do_not_grow_with_the_lines(lazio, region_staff):
    # One flagged line per branch, so that inserts, updates, changes of
    # level and notifications all run at both sizes.
    def run(branches: list) -> tuple[int, int, int]:
        for b in branches:
            fill(
                b.meeting_points.get(line__code=PENSIONER),
                datetime.date(2026, 3, 2),
                datetime.date(2026, 4, 1),
            )
        inserting = _job_queries(NOW)
        updating = _job_queries(NOW + datetime.timedelta(minutes=5))
        for b in branches:  # the wait drops: every flag clears
            Appointment.objects.filter(
                meeting_point__branch=b, start=rome(2026, 3, 19, 14, 0)
            ).update(status=Appointment.Status.CANCELLED)
        clearing = _job_queries(NOW + datetime.timedelta(minutes=10))
        return inserting, updating, clearing

    few = run(_branches_with_points(lazio, 1, 2))
    assert len(mail.outbox) == 2
    BacklogFlag.objects.all().delete()
    mail.outbox = []
    many = run(_branches_with_points(lazio, 3, 10))

    # 12 branches × 4 lines the second time, 2 × 4 the first.
    assert BacklogFlag.objects.count() == 48
    assert len(mail.outbox) == 10  # the 2 first branches' lines are cleared
    assert many == few
    # Inserting: 7 to compute; savepoint, locked read, insert, locked read
    # of the inserted, release; the notification's savepoint, locked read,
    # mark, release and the recipients. Updating: one UPDATE. Clearing: one
    # UPDATE of the lines whose level stays, one of those cleared.
    assert few == (7 + 5 + 5, 7 + 4, 7 + 5)
    assert set(
        BacklogFlag.objects.values_list("level", "flagged_since", "notified_at")
    ) == {("ok", None, None)}


def test_a_failed_notification_is_sent_by_the_next_run(lazio, region_staff):
    branches = _branches_with_points(lazio, 1, 3)
    for b in branches:
        fill(
            b.meeting_points.get(line__code=PENSIONER),
            datetime.date(2026, 3, 2),
            datetime.date(2026, 4, 1),
        )
    sent: list[str] = []

    def second_fails(subject, body, sender, to):
        if len(sent) == 1:
            raise ConnectionError
        sent.append(subject)
        return 1

    with (
        time_machine.travel(NOW, tick=False),
        mock.patch("consulenza.services.send_mail", side_effect=second_fails),
        pytest.raises(ConnectionError),
    ):
        backlog_flag()

    # The first e-mail went out and keeps its mark; the failed one and the
    # one not tried yet are released for the next run.
    notified = dict(
        BacklogFlag.objects.filter(level="flagged").values_list(
            "branch__code", "notified_at"
        )
    )
    assert notified == {"sede-01": NOW, "sede-02": None, "sede-03": None}
    later = NOW + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        backlog_flag()
    assert [m.subject.split(": ")[1].split(",")[0] for m in mail.outbox] == [
        branches[1].name,
        branches[2].name,
    ]
    assert set(
        BacklogFlag.objects.filter(level="flagged").values_list(
            "notified_at", flat=True
        )
    ) == {NOW, later}
