from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sedi.demo import DEFAULT_PASSWORD, demo_organisation_seed


class Command(BaseCommand):
    help = (
        "Create the demo region, branches and one user per role; "
        "running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=None,
            help=f"Password of the demo users (default for new users: "
            f"{DEFAULT_PASSWORD}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users = demo_organisation_seed(password=options["password"])
        if options["password"]:
            note = f"password: {options['password']}"
        else:
            note = (
                f"password: {DEFAULT_PASSWORD} "
                "(users created earlier keep the password they had)"
            )
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins, {note}:"))
        for user in users:
            scope = user.branch or "lazio (all branches)"
            self.stdout.write(f"  {user.username:<16} {user.role:<17} {scope}")
