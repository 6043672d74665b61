"""`python manage.py graticule-schema --dialect D`: print the desired schema for Atlas-compatible tools."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from graticule.provider.cli import add_schema_arguments, run


class Command(BaseCommand):
    help = "Print the DDL Django's migrate would build, with -- atlas:pos lines, without touching a database."
    # The provider runs the model checks itself, and must not trigger the database checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        add_schema_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        status = run(
            options,
            write=lambda text: self.stdout.write(text, ending=""),
            report=self.stderr.write,
            traceback=options.get("traceback", False),
        )
        if status:
            sys.exit(status)
