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
from django.db.migrations import operations
from django.db.migrations.migration import Migration
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

from graticule.provider.applying import FreshRuns, apply_plan
from graticule.provider.dialects.base import Dialect, Realised
from graticule.provider.dialects.catalog import Catalog
from graticule.provider.dialects.fold import Folder
from graticule.provider.errors import ProviderError
from graticule.provider.fresh import ShortcutUnsafe


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
        folder = self.new_folder(catalog)
        connection.connect = refuse  # type: ignore[method-assign]
        connection.cursor = lambda: _OfflineCursor(server)  # type: ignore[method-assign]
        introspection = connection.introspection
        introspection.get_constraints = lambda cursor, table_name: catalog.get_constraints(table_name)
        introspection.get_sequences = lambda cursor, table_name, table_fields=(): catalog.get_sequences(
            table_name
        )
        editor_class = connection.SchemaEditorClass
        connection.SchemaEditorClass = type(
            f"Offline{editor_class.__name__}",
            (_FeedCatalog, editor_class),
            {"catalog": catalog, "folder": folder},
        )

    def handle_operation(
        self, operation: Operation, app_label: str, state: ProjectState, editor: BaseDatabaseSchemaEditor
    ) -> bool:
        """Apply an operation whose own code needs a live server; return False to let Django apply it."""
        return False

    def prelude(self, connection: BaseDatabaseWrapper, statements: list[str]) -> list[str]:
        """Statements the schema needs before the migrations' own (e.g. PostgreSQL extensions)."""
        return []

    def new_folder(self, catalog: Catalog) -> Folder | None:
        """The dialect's folder into final table shapes (fold.py), reading names off `catalog`; None
        prints the history as it is."""
        return None

    def realise(
        self,
        plan: list[Migration],
        connection: BaseDatabaseWrapper,
        *,
        fresh_runs: bool = True,
        avoid: frozenset[tuple[str, str]] = frozenset(),
    ) -> Realised:
        folder: Folder | None = connection.SchemaEditorClass.folder
        fresh = _FreshRunsChecked(connection, avoid) if fresh_runs and folder is not None else None
        collected = apply_plan(
            plan, connection, collect_sql=True, handler=self.handle_operation, fresh_runs=fresh
        )
        statements = [
            statement.strip()
            for statement in collected
            if statement.strip() and not statement.lstrip().startswith("--")
        ]
        prelude = self.prelude(connection, statements)
        # The catalog knows the tables as they are at the end (renamed, some dropped again).
        catalog: Catalog = connection.SchemaEditorClass.catalog
        tables = sorted(catalog.tables)
        if folder is None:
            return Realised(tables=tables, statements=prelude + statements)
        # The folder read every statement as it was collected; the prelude goes first whatever its order.
        for statement in prelude:
            folder.feed(statement)
        folded = folder.render()
        kept = folder.kept_table_names() & fresh.created.keys() if fresh is not None else set()
        if kept:
            # A table a fresh run created would be printed as the statements that built it, which differ
            # from Django's: build again with those models created Django's way (fresh.py).
            models = frozenset(fresh.created[table] for table in kept)
            raise ShortcutUnsafe(f"tables of fresh runs printed as their history: {sorted(kept)}", models)
        return Realised(tables=tables, statements=folded)


class _FreshRunsChecked(FreshRuns):
    """Fresh runs on a server dialect: note the tables they create; refuse a name the server numbered.

    A name PostgreSQL or MySQL chooses (`t_col_key`, `col`) depends on what exists when the object is
    created; in a fresh run nothing is ever dropped, so the name equals the history's unless the server had
    to number it to avoid another (see fresh.py).
    """

    def __init__(self, connection: BaseDatabaseWrapper, avoid: frozenset[tuple[str, str]]) -> None:
        self.catalog: Catalog = connection.SchemaEditorClass.catalog
        self.avoid = avoid
        self.created: dict[str, tuple[str, str]] = {}
        """table -> the model whose creation created it (an auto-created M2M table: its owner)"""

    def editor(self, run: list[Migration], apps: Any) -> None:
        self._numbered_before = self.catalog.numbered_names
        for migration in run:
            for operation in migration.operations:
                if type(operation) is operations.CreateModel:
                    key = (migration.app_label, operation.name_lower)
                    model = apps.get_model(*key)
                    self.created[model._meta.db_table] = key
                    for field in model._meta.local_many_to_many:
                        through = field.remote_field.through
                        if isinstance(through, type):  # a swapped model's fields have no table
                            self.created[through._meta.db_table] = key
        return None

    def after_run(self) -> None:
        if self.catalog.numbered_names != self._numbered_before:
            raise ShortcutUnsafe("the server numbered a name during a fresh run")


class _FeedCatalog:
    """Keep the offline catalog (and the folder, which feeds it) in step with every statement emitted."""

    catalog: Catalog
    folder: Folder | None

    def execute(self, sql: Any, params: Any = ()) -> Any:
        result = super().execute(sql, params)
        text = self.collected_sql[-1] if self.collected_sql else ""
        if self.folder is not None:
            self.folder.feed(text)
        else:
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
