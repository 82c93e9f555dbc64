"""Data for the benchmarks: a region of branches staffed for a morning.

Run inside Django (``python -m bench.seed``) against the bench database.
Branches, counters and operators go through the product's own services
(the director qualifies each operator, who opens a shift through the
qualification gate), so the hall is staffed as a real one is. Only the
hall-display branches at national scale are written in bulk: they need
lines and a few calls, not staff.
"""

import argparse
import datetime
import json
import secrets
from pathlib import Path

import django

from bench import clock

clock.start()
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from formazione.services import qualification_grant  # noqa: E402
from sedi.models import Branch, BranchLine, Region, ServiceLine, StaffRole  # noqa: E402
from sedi.services import catalogue_sync, staff_role_assign  # noqa: E402
from sportelli.models import Counter, Ticket  # noqa: E402
from sportelli.services import shift_open  # noqa: E402

LINES = [
    "assicurato-pensionato",
    "socio-sanitari",
    "sostegno-reddito",
    "soggetto-contribuente",
]
COUNTERS_PER_BRANCH = 6
PASSWORD = "bench-non-e-un-segreto"


def _branch(region: Region, code: str) -> Branch:
    branch = Branch.objects.create(
        region=region,
        code=code,
        name=code.replace("-", " ").title(),
        kind=Branch.Kind.COMPLEX_AGENCY,
        province="RM",
        patron_day_month=6,
        patron_day_day=29,
    )
    lines = ServiceLine.objects.filter(code__in=LINES)
    BranchLine.objects.bulk_create(
        BranchLine(branch=branch, line=line) for line in lines
    )
    return branch


def _user(username: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD)


def _token(user: User) -> str:
    return Token.objects.create(user=user).key


@transaction.atomic
def staffed_branch(region: Region, code: str) -> dict:
    """Create a branch with a kiosk and six operators at open counters."""
    branch = _branch(region, code)
    director = _user(f"{code}-direttore")
    staff_role_assign(user=director, role=StaffRole.Role.DIRECTOR, branch=branch)
    kiosk = _user(f"{code}-kiosk")
    staff_role_assign(user=kiosk, role=StaffRole.Role.KIOSK, branch=branch)
    counters = []
    for number in range(1, COUNTERS_PER_BRANCH + 1):
        line = ServiceLine.objects.get(code=LINES[(number - 1) % len(LINES)])
        operator = _user(f"{code}-operatore-{number}")
        staff_role_assign(user=operator, role=StaffRole.Role.OPERATOR, branch=branch)
        qualification_grant(
            operator=operator, line=line, actor=director, reason="banco di prova"
        )
        counter = Counter.objects.create(
            branch=branch, number=number, name=f"Sportello {number}"
        )
        shift_open(counter=counter, operator=operator, line_code=line.code)
        service = line.services.order_by("code").values_list("code", flat=True)[0]
        counters.append(
            {
                "id": counter.pk,
                "line": line.code,
                "service": service,
                "token": _token(operator),
            }
        )
    return {"code": code, "kiosk": _token(kiosk), "counters": counters}


def display_branches(region: Region, count: int) -> list[str]:
    """Create ``count`` branches with a few calls each (national scale)."""
    lines = list(ServiceLine.objects.filter(code__in=LINES))
    codes = []
    today = timezone.localdate()
    now = timezone.now()
    for start in range(0, count, 100):
        with transaction.atomic():
            tickets = []
            for index in range(start, min(start + 100, count)):
                code = f"bench-display-{index:04d}"
                branch = _branch(region, code)
                counter = Counter.objects.create(
                    branch=branch, number=1, name="Sportello 1"
                )
                for number, line in enumerate(lines * 2, start=1):
                    tickets.append(
                        Ticket(
                            branch=branch,
                            line=line,
                            letter=line.letter,
                            issued_on=today,
                            number=number,
                            issued_at=now - datetime.timedelta(minutes=30),
                            called_at=now - datetime.timedelta(minutes=number),
                            status=Ticket.Status.CALLED,
                            counter=counter,
                            channel=Ticket.Channel.KIOSK,
                            public_code=secrets.token_urlsafe(16),
                        )
                    )
                codes.append(code)
            Ticket.objects.bulk_create(tickets)
    return codes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--staffed", type=int, default=41)
    parser.add_argument("--displays", type=int, default=600)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    catalogue_sync()
    region = Region.objects.create(code="bench", name="Banco di prova")
    staffed = [
        staffed_branch(region, f"bench-{index:03d}") for index in range(args.staffed)
    ]
    displays = display_branches(region, args.displays)
    tickets = list(
        Ticket.objects.filter(branch__code__in=displays).values_list(
            "public_code", flat=True
        )[:2000]
    )
    args.out.write_text(
        json.dumps({"staffed": staffed, "displays": displays, "tickets": tickets})
    )


if __name__ == "__main__":
    main()
