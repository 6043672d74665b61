"""Dialects with a server: no server is contacted; Django's schema editor collects the SQL it would send.

The collected text is exactly what Django would send, statement by statement: parameters are interpolated
the way the driver would (Django's own helpers for that need a live connection, so each dialect supplies
its literal rendering). What Django would ask the server — which constraints a table has — is answered by
an offline catalog fed with every collected statement (see catalog.py). Anything else that would open a
connection fails loudly instead.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.migration import Migration
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

from graticule.provider.applying import apply_plan
from graticule.provider.dialects.base import Dialect, Realised
from graticule.provider.dialects.catalog import Catalog
from graticule.provider.errors import ProviderError


class ServerDialect(Dialect):
    server_name: str = ""
    """How the server is called in messages."""

    def new_catalog(self) -> Catalog:
        raise NotImplementedError

    def prepare(self, connection: BaseDatabaseWrapper, server_version: tuple[int, ...] | None) -> None:
        """Make connecting impossible and answer introspection from the offline catalog."""
        server = self.server_name or self.name

        def refuse(*args: Any, **kwargs: Any) -> NoReturn:
            raise ProviderError(
                f"Django tried to connect to a {server} server while building the schema; the provider works "
                f"offline (please report which model or migration needs a connection)"
            )

        catalog = self.new_catalog()
        connection.connect = refuse  # type: ignore[method-assign]
        connection.cursor = lambda: _OfflineCursor(server)  # type: ignore[method-assign]
        introspection = connection.introspection
        introspection.get_constraints = lambda cursor, table_name: catalog.get_constraints(table_name)
        introspection.get_sequences = lambda cursor, table_name, table_fields=(): catalog.get_sequences(
            table_name
        )
        editor_class = connection.SchemaEditorClass
        connection.SchemaEditorClass = type(
            f"Offline{editor_class.__name__}", (_FeedCatalog, editor_class), {"catalog": catalog}
        )

    def handle_operation(
        self, operation: Operation, app_label: str, state: ProjectState, editor: BaseDatabaseSchemaEditor
    ) -> bool:
        """Apply an operation whose own code needs a live server; return False to let Django apply it."""
        return False

    def prelude(self, connection: BaseDatabaseWrapper, statements: list[str]) -> list[str]:
        """Statements the schema needs before the migrations' own (e.g. PostgreSQL extensions)."""
        return []

    def realise(
        self, plan: list[Migration], connection: BaseDatabaseWrapper, *, fresh_runs: bool = True
    ) -> Realised:
        collected = apply_plan(plan, connection, collect_sql=True, handler=self.handle_operation)
        statements = [
            statement.strip()
            for statement in collected
            if statement.strip() and not statement.lstrip().startswith("--")
        ]
        statements = self.prelude(connection, statements) + statements
        # The catalog knows the tables as they are at the end (renamed, some dropped again).
        catalog: Catalog = connection.SchemaEditorClass.catalog
        return Realised(tables=list(catalog.tables), statements=statements)


class _FeedCatalog:
    """Keep the offline catalog in step with every statement the editor emits."""

    catalog: Catalog

    def execute(self, sql: Any, params: Any = ()) -> Any:
        result = super().execute(sql, params)
        text = self.collected_sql[-1] if self.collected_sql else ""
        self.catalog.apply(text)
        return result


class _OfflineCursor:
    """What `connection.cursor()` returns offline: usable as a context manager, refuses every query."""

    def __init__(self, server: str) -> None:
        self.server = server

    def __enter__(self) -> _OfflineCursor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def close(self) -> None:
        return None

    def execute(self, sql: str, params: Any = None) -> NoReturn:
        query = " ".join(sql.split())[:80]
        raise ProviderError(
            f"Django queried the {self.server} server while building the schema ({query}); "
            f"the provider works offline (please report which model or migration needs this)"
        )

    executemany = execute
