from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from sedi.demo import DEFAULT_PASSWORD, USERS


class Command(BaseCommand):
    help = (
        "Create the demo region, branches, users and each app's demo data "
        "(counters, meeting points, …); running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=None,
            help=f"Password of the demo users (default for new users: "
            f"{DEFAULT_PASSWORD}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Each app brings its own demo data in ``<app>/demo.py`` as
        # ``seed(password=...)``; apps run in INSTALLED_APPS order, which
        # follows their dependencies (sedi first).
        with transaction.atomic():
            for config in apps.get_app_configs():
                if find_spec(f"{config.name}.demo") is None:
                    continue
                module = import_module(f"{config.name}.demo")
                if hasattr(module, "seed"):
                    module.seed(password=options["password"])
        if options["password"]:
            note = f"password: {options['password']}"
        else:
            note = (
                f"password: {DEFAULT_PASSWORD} "
                "(users created earlier keep the password they had)"
            )
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins, {note}:"))
        for user in USERS:
            scope = user.branch or "lazio (all branches)"
            self.stdout.write(f"  {user.username:<16} {user.role:<17} {scope}")
