"""Dialects with a server: no server is contacted; Django's schema editor collects the SQL it would run."""

from __future__ import annotations

import re
from typing import Any, NoReturn

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.migration import Migration

from graticule.provider.applying import apply_plan
from graticule.provider.dialects.base import Dialect, Realised
from graticule.provider.errors import ProviderError

_CREATE_TABLE = re.compile(r'CREATE TABLE\s+(?:IF NOT EXISTS\s+)?("[^"]+"|`[^`]+`|\[[^\]]+\]|\S+)', re.I)


class ServerDialect(Dialect):
    def prepare(self, connection: BaseDatabaseWrapper, server_version: tuple[int, ...] | None) -> None:
        """Make connecting impossible: a code path that needs a live server must fail loudly, not hang."""
        name = self.name

        def refuse(*args: Any, **kwargs: Any) -> NoReturn:
            raise ProviderError(
                f"Django tried to connect to a {name} server while building the schema; the provider works "
                f"offline (please report which model or migration needs a connection)"
            )

        connection.connect = refuse  # type: ignore[method-assign]

    def realise(self, plan: list[Migration], connection: BaseDatabaseWrapper) -> Realised:
        statements = [
            statement.strip()
            for statement in apply_plan(plan, connection, collect_sql=True)
            if statement.strip() and not statement.lstrip().startswith("--")
        ]
        tables = []
        for statement in statements:
            created = _CREATE_TABLE.match(statement)
            if created:
                tables.append(created.group(1).strip('"`[]'))
        return Realised(tables=tables, statements=statements)
