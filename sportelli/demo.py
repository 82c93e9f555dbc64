"""Demo counters: not tied to a line until a shift opens them for one."""

from django.db import transaction

from sedi.demo import supervisor_group_grant
from sedi.models import Branch
from sportelli.models import Counter

COUNTERS_PER_BRANCH = {"roma-centro": 8, "roma-eur": 5, "civitavecchia": 3}


@transaction.atomic
def demo_counters_seed() -> int:
    """Create the demo branches' counters if missing; return how many were made."""
    created = 0
    for branch in Branch.objects.filter(code__in=COUNTERS_PER_BRANCH):
        have = set(
            Counter.objects.filter(branch=branch).values_list("number", flat=True)
        )
        for number in range(1, COUNTERS_PER_BRANCH[branch.code] + 1):
            if number not in have:
                Counter.objects.create(
                    branch=branch, number=number, name=f"Sportello {number}"
                )
                created += 1
    return created


# The floor supervisor keeps the counters; tickets and shifts are read.
SUPERVISOR_PERMISSIONS = [
    "view_counter",
    "add_counter",
    "change_counter",
    "view_shift",
    "view_ticket",
    "view_ticketevent",
]


def seed(*, password: str | None = None) -> None:
    """Seed this app's demo data (called by ``manage.py seed_demo``)."""
    demo_counters_seed()
    supervisor_group_grant(app_label="sportelli", codenames=SUPERVISOR_PERMISSIONS)
