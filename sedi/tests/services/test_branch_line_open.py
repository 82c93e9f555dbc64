import datetime

import pytest
from django.core.exceptions import ValidationError

from sedi.models import BranchLine, ServiceLine
from sedi.services import branch_line_close, branch_line_open
from sedi.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


def _line(code: str) -> ServiceLine:
    return ServiceLine.objects.get(code=code)


def test_branch_line_open_refuses_specialist_line_without_hubs():
    branch = BranchFactory.create(has_specialist_hubs=False)

    with pytest.raises(ValidationError) as excinfo:
        branch_line_open(branch=branch, line=_line("poli-specialistici"))

    assert list(excinfo.value.message_dict) == ["line"]
    assert excinfo.value.message_dict["line"] == [
        "La linea Poli Specialistici/Fondi Speciali è prevista solo nelle sedi "
        "dove i poli sono presenti."
    ]
    assert BranchLine.objects.count() == 0


def test_branch_line_open_opens_specialist_line_where_hubs_are_present():
    branch = BranchFactory.create(has_specialist_hubs=True)

    branch_line = branch_line_open(branch=branch, line=_line("poli-specialistici"))

    assert BranchLine.objects.get() == branch_line
    assert branch_line.branch == branch
    assert branch_line.line.code == "poli-specialistici"
    assert branch_line.opened_on is None
    assert branch_line.closes_on is None


def test_branch_line_open_opens_a_standard_line_for_a_period():
    branch = BranchFactory.create()

    branch_line = branch_line_open(
        branch=branch,
        line=_line("indebiti"),
        opened_on=datetime.date(2026, 3, 2),
        closes_on=datetime.date(2026, 3, 31),
    )

    branch_line.refresh_from_db()
    assert branch_line.opened_on == datetime.date(2026, 3, 2)
    assert branch_line.closes_on == datetime.date(2026, 3, 31)


def test_branch_line_open_again_replaces_the_period_without_duplicating():
    branch = BranchFactory.create()
    first = branch_line_open(
        branch=branch,
        line=_line("indebiti"),
        opened_on=datetime.date(2026, 1, 7),
        closes_on=datetime.date(2026, 1, 31),
    )

    second = branch_line_open(
        branch=branch,
        line=_line("indebiti"),
        opened_on=datetime.date(2026, 6, 1),
        closes_on=datetime.date(2026, 6, 30),
    )

    assert second.pk == first.pk
    row = BranchLine.objects.get(branch=branch)
    assert row.opened_on == datetime.date(2026, 6, 1)
    assert row.closes_on == datetime.date(2026, 6, 30)


def test_branch_line_open_refuses_a_period_ending_before_it_starts():
    branch = BranchFactory.create()

    with pytest.raises(ValidationError):
        branch_line_open(
            branch=branch,
            line=_line("indebiti"),
            opened_on=datetime.date(2026, 3, 31),
            closes_on=datetime.date(2026, 3, 2),
        )

    assert BranchLine.objects.count() == 0


def test_branch_line_open_with_a_bad_period_keeps_the_current_one():
    branch = BranchFactory.create()
    branch_line_open(
        branch=branch,
        line=_line("indebiti"),
        opened_on=datetime.date(2026, 1, 7),
        closes_on=datetime.date(2026, 1, 31),
    )

    with pytest.raises(ValidationError):
        branch_line_open(
            branch=branch,
            line=_line("indebiti"),
            opened_on=datetime.date(2026, 6, 30),
            closes_on=datetime.date(2026, 6, 1),
        )

    row = BranchLine.objects.get(branch=branch)
    assert row.opened_on == datetime.date(2026, 1, 7)
    assert row.closes_on == datetime.date(2026, 1, 31)


def test_branch_line_close_sets_the_last_day():
    branch = BranchFactory.create(line_codes=["socio-sanitari"])

    branch_line = branch_line_close(
        branch=branch,
        line=_line("socio-sanitari"),
        closes_on=datetime.date(2026, 3, 31),
    )

    branch_line.refresh_from_db()
    assert branch_line.opened_on is None
    assert branch_line.closes_on == datetime.date(2026, 3, 31)
    assert branch_line.is_open_on(datetime.date(2026, 3, 31)) is True
    assert branch_line.is_open_on(datetime.date(2026, 4, 1)) is False


def test_branch_line_close_refuses_a_day_before_the_opening():
    branch = BranchFactory.create()
    branch_line_open(
        branch=branch, line=_line("indebiti"), opened_on=datetime.date(2026, 6, 1)
    )

    with pytest.raises(ValidationError):
        branch_line_close(
            branch=branch, line=_line("indebiti"), closes_on=datetime.date(2026, 5, 31)
        )

    assert BranchLine.objects.get(branch=branch).closes_on is None
