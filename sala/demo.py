"""Demo of the hall: the Indebiti line of Roma Centro as a dated peak period.

Guideline §2.5: the overpayments line opens only in periods of particular
demand. The demo gives Roma Centro one such period, two weeks starting a
fortnight from the day of seeding, opened by the floor supervisor through
the same service as the dashboard. Idempotent: a line that already has a
period is left as it is.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from sala.services import peak_line_open
from sedi import calendar
from sedi.demo import supervisor_group_grant
from sedi.models import Branch
from sedi.selectors import branch_line_list

PEAK_BRANCH = "roma-centro"
PEAK_LINE = "indebiti"
PEAK_STARTS_IN_DAYS = 14
PEAK_LENGTH_DAYS = 14
SUPERVISOR_PERMISSIONS = ["view_counterclone", "view_supervisoraction"]


@transaction.atomic
def demo_peak_period_seed() -> bool:
    """Give Roma Centro's Indebiti line a dated period; return True if set."""
    branch = Branch.objects.filter(code=PEAK_BRANCH).first()
    supervisor = get_user_model().objects.filter(username="sala").first()
    if branch is None or supervisor is None:
        return False
    current = next(
        (bl for bl in branch_line_list(branch=branch) if bl.line.code == PEAK_LINE),
        None,
    )
    if current is None or current.opened_on or current.closes_on:
        return False
    starts = calendar.today() + datetime.timedelta(days=PEAK_STARTS_IN_DAYS)
    peak_line_open(
        actor=supervisor,
        branch=branch,
        line_code=PEAK_LINE,
        opened_on=starts,
        closes_on=starts + datetime.timedelta(days=PEAK_LENGTH_DAYS - 1),
        reason="Lavorazioni della D.G.: periodo di particolare affluenza",
    )
    return True


def seed(*, password: str | None = None) -> None:
    """Seed this app's demo data (called by ``manage.py seed_demo``)."""
    demo_peak_period_seed()
    supervisor_group_grant(app_label="sala", codenames=SUPERVISOR_PERMISSIONS)
