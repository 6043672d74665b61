"""SQLite: build the database for real, in memory, and read back the schema SQLite stored.

SQLite alters most things by rebuilding tables, so collecting the statements `migrate` runs would yield
rebuild sequences. Executing the plan on a private in-memory database and reading `sqlite_master` gives the
final shape only — each table's CREATE TABLE with its constraints folded in, then its indexes — and it is
exactly what `migrate` builds, because it is what `migrate` built. Tables are printed by name, each with its
indexes by name, and with its table constraints after its columns (see `columns_first`): the order in which
`sqlite_master` lists objects, and where a rebuilt table's text puts a column added later, depend on the
history, not on the schema.

Speed: SQLite's `ALTER TABLE … RENAME` re-parses the whole schema, and Django's table rebuild ends with one
(`new__t` becomes `t`), so rebuilds cost time in proportion to the number of tables. On this database a
rebuilt table is always empty, and renaming an empty table without indexes is the same as dropping it and
creating it under the final name with the identifier rewritten — SQLite's rename stores exactly that text.
The statements of fresh runs (fresh.py) are recorded and only executed when something runs after them
(`_RecordedFreshRuns`), and Django's rebuild order of columns is replayed for them
(`_column_orders_after_rebuilds`).
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any, NamedTuple

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations import operations
from django.db.migrations.migration import Migration

from graticule.provider.applying import PATHS, FreshRuns, apply_plan
from graticule.provider.dialects.base import Dialect, Realised
from graticule.provider.dialects.catalog import split_top_level
from graticule.provider.errors import ProviderError
from graticule.provider.fresh import SHORTCUTS, ShortcutUnsafe

# Internal objects (sqlite_sequence, sqlite_stat1, automatic indexes) are recreated by SQLite itself.
_SCHEMA_QUERY = """
    SELECT type, name, tbl_name, sql FROM sqlite_master
    WHERE sql IS NOT NULL AND substr(name, 1, 7) != 'sqlite_'
    ORDER BY rowid
"""


class SQLite(Dialect):
    name = "sqlite"
    vendor = "sqlite"
    engine = "django.db.backends.sqlite3"

    def connection_settings(self, alias_settings: dict[str, Any]) -> dict[str, Any]:
        settings = super().connection_settings(alias_settings)
        # Never the project's own database file: a private database that vanishes with the connection.
        settings["NAME"] = ":memory:"
        return settings

    def server_version(self, requested: str | None) -> tuple[int, ...] | None:
        if requested:
            raise ProviderError(
                f"--server-version does not apply to sqlite: the schema is built with this Python's "
                f"SQLite {sqlite3.sqlite_version}"
            )
        return None

    def prepare(self, connection: BaseDatabaseWrapper, server_version: tuple[int, ...] | None) -> None:
        if SHORTCUTS:
            connection.SchemaEditorClass = type(
                "RebuildByRecreateSchemaEditor", (_RebuildByRecreate, connection.SchemaEditorClass), {}
            )

    def realise(
        self,
        plan: list[Migration],
        connection: BaseDatabaseWrapper,
        *,
        fresh_runs: bool = True,
        avoid: frozenset[tuple[str, str]] = frozenset(),
    ) -> Realised:
        recorded = _RecordedFreshRuns(connection)
        recorded.avoid = avoid
        apply_plan(plan, connection, collect_sql=False, fresh_runs=recorded if fresh_runs else None)
        pending = recorded.unexecuted_objects()
        with connection.cursor() as cursor:
            cursor.execute(_SCHEMA_QUERY)
            rows = [_SchemaObject(*row) for row in cursor.fetchall()] + pending

        tables = sorted(row.name for row in rows if row.type == "table")
        indexes: dict[str, list[_SchemaObject]] = {}
        for row in rows:
            if row.type == "index":
                indexes.setdefault(row.table, []).append(row)
        texts = {row.name: row.sql for row in rows if row.type == "table"}
        statements: list[str] = []
        for table in tables:
            statements.append(columns_first(texts[table]))
            statements.extend(index.sql for index in sorted(indexes.get(table, []), key=lambda i: i.name))
        # Views and triggers (from RunSQL) refer to tables, so they come last, views before triggers, each
        # in the order they were created.
        statements.extend(row.sql for row in rows if row.type == "view")
        statements.extend(row.sql for row in rows if row.type == "trigger")
        return Realised(tables=tables, statements=statements)


class _SchemaObject(NamedTuple):
    type: str
    name: str
    table: str
    sql: str


_TABLE_CONSTRAINT = re.compile(r"(CONSTRAINT|PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY)\b", re.I)
# A definition can only start a table constraint with one of these words: without any, nothing to move.
_TABLE_CONSTRAINT_WORD = re.compile(r"\b(CONSTRAINT|PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY)\b", re.I)


def columns_first(create_table: str) -> str:
    """A CREATE TABLE as Django writes it, with its table constraints after all of its columns.

    SQLite appends a column added by ALTER TABLE after whatever the table's text ends with, so a table that
    was rebuilt with a CHECK or UNIQUE constraint and then given a column stores the column after the
    constraint. Where a definition sits among the others means nothing to SQLite (a column's position is its
    place among the columns), so both orders describe the same table; writing the constraints last makes the
    text the same however the table was built. Text not in Django's layout (one `, ` between definitions) is
    returned unchanged.
    """
    opening = create_table.find("(")
    if opening < 0 or not create_table.endswith(")") or not _TABLE_CONSTRAINT_WORD.search(create_table):
        return create_table
    body = create_table[opening + 1 : -1]
    definitions = split_top_level(body, ",")
    if ", ".join(definitions) != body:
        return create_table
    columns = [d for d in definitions if not _TABLE_CONSTRAINT.match(d)]
    constraints = [d for d in definitions if _TABLE_CONSTRAINT.match(d)]
    return create_table[: opening + 1] + ", ".join(columns + constraints) + ")"


# What SQLite stores for a CREATE TABLE / CREATE INDEX of Django's is the statement's own text: SQLite only
# rewrites the words before the name (spacing, TEMP, IF NOT EXISTS), and Django writes these single-spaced.
_CREATED = re.compile(
    r'CREATE (?:(?P<table>TABLE)|(?:UNIQUE )?INDEX) "(?P<name>[^"]+)"(?: ON "(?P<on>[^"]+)")? \(.*\Z',
    re.S,
)


class _RecordedFreshRuns(FreshRuns):
    """Record the statements of fresh runs instead of executing them, and execute them only when needed.

    SQLite's DDL costs time in proportion to the size of the schema (each statement scans sqlite_master), so
    a few thousand statements on a large project take long. The statements of a fresh run only create
    tables and indexes; what SQLite would store for them is their text (see `_CREATED`), so when nothing
    runs after them they are read as they are. Before a migration that takes Django's path (which may look
    at the database), and for any statement of another form, they are executed.
    """

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.recorded: list[tuple[str, Any]] = []

    def editor(self, run: list[Migration], apps: Any) -> Any:
        recorded = self.recorded
        column_orders = _column_orders_after_rebuilds(run, apps, self.connection)
        PATHS["sqlite tables with columns moved by rebuilds"] += len(column_orders)

        class RecordingEditor(self.connection.SchemaEditorClass):  # type: ignore[name-defined,misc]
            def execute(self, sql: Any, params: Any = ()) -> None:
                recorded.append((str(sql), params))

            def table_sql(self, model: Any) -> tuple[str, Any]:
                sql, params = super().table_sql(model)
                order = column_orders.get(model._meta.db_table)
                return (sql if order is None else _reorder_columns(sql, order)), params

        return RecordingEditor(self.connection, atomic=False)

    def before_django_path(self) -> None:
        self.execute_recorded()

    def execute_recorded(self) -> None:
        if not self.recorded:
            return
        with self.connection.cursor() as cursor:
            for sql, params in self.recorded:
                cursor.execute(sql, params)
        self.recorded.clear()

    def unexecuted_objects(self) -> list[_SchemaObject]:
        """The objects the statements still recorded create, as sqlite_master would list them.

        When one of them is not a plain CREATE TABLE / CREATE INDEX, they are all executed instead (and the
        objects are then in sqlite_master).
        """
        objects = []
        for sql, params in self.recorded:
            created = _CREATED.match(sql)
            unusual = created is None or (created["table"] is None and created["on"] is None)
            if params or unusual or sql != sql.strip() or ";" in sql:
                self.execute_recorded()
                return []
            if created["table"]:
                objects.append(_SchemaObject("table", created["name"], created["name"], sql))
            else:
                objects.append(_SchemaObject("index", created["name"], created["on"], sql))
        return objects


def _column_orders_after_rebuilds(run: list[Migration], apps: Any, connection: BaseDatabaseWrapper) -> dict:
    """The tables of a fresh run whose columns `migrate` leaves in another order than the model's fields.

    Django's table rebuild (`_remake_table`) re-creates a table from the model's fields ordered by their
    creation counter, and it clones the model's self-referential foreign keys first (to re-point them), which
    gives them the newest counters: after a rebuild they are the last columns, after even the field the
    rebuild adds. So on SQLite a model with a foreign key to itself can end up with its columns in another
    order than its fields. This replays the run per such model: which operations rebuild the table is asked
    of Django's SQLite schema editor itself (`_RebuildProbe`), with the final model and fields, which is what
    its decision depends on. Returns {table: columns in `migrate`'s order} for the tables that differ.
    """
    probe = _RebuildProbe(connection)
    fields: dict[tuple[str, str], list[str]] = {}  # the model's concrete fields, in the state's order
    columns: dict[tuple[str, str], list[str]] = {}  # the table's columns, in the database's order
    for migration in run:
        for operation in migration.operations:
            kind = type(operation)
            if kind is operations.CreateModel:
                key = (migration.app_label, operation.name_lower)
                model = apps.get_model(*key)
                if not _has_self_reference(model):
                    continue
                names = [name for name, _ in operation.fields if name in _column_fields(model)]
                if operation.options.get("order_with_respect_to"):
                    names.append("_order")
                fields[key], columns[key] = list(names), list(names)
                continue
            key = (migration.app_label, getattr(operation, "model_name_lower", None) or operation.name_lower)
            if key not in fields:
                continue
            model = apps.get_model(*key)
            added = None
            if kind is operations.AddField:
                field = model._meta.get_field(operation.name)
                added = field.name if field.name in _column_fields(model) else None
                rebuilt = probe.rebuilds("add_field", model, field)
            elif kind is operations.AlterOrderWithRespectTo:
                field = model._meta.get_field("_order")
                added = field.name
                rebuilt = probe.rebuilds("add_field", model, field)
            elif kind is operations.AddConstraint:
                rebuilt = probe.rebuilds("add_constraint", model, operation.constraint)
            elif kind is operations.AddIndex:
                rebuilt = probe.rebuilds("add_index", model, operation.index)
            else:  # AlterUniqueTogether / AlterIndexTogether, from nothing (fresh.py)
                value = getattr(model._meta, operation.option_name)
                rebuilt = probe.rebuilds(f"alter_{operation.option_name}", model, (), value)
            if rebuilt:
                selfish = [name for name in fields[key] if _refers_to(model._meta.get_field(name), model)]
                kept = [name for name in fields[key] if name not in selfish]
                columns[key] = kept + ([added] if added else []) + selfish
            elif added:
                columns[key].append(added)
            if added:
                fields[key].append(added)
    orders = {}
    for key, names in columns.items():
        model = apps.get_model(*key)
        if names != [field.name for field in model._meta.local_concrete_fields]:
            orders[model._meta.db_table] = [model._meta.get_field(name).column for name in names]
    return orders


def _column_fields(model: Any) -> set[str]:
    """The names of the fields that have a column in the model's table (not many-to-many ones)."""
    return {field.name for field in model._meta.local_concrete_fields}


def _refers_to(field: Any, model: Any) -> bool:
    """Django's `is_self_referential` in `_remake_table`."""
    return field.is_relation and field.remote_field.model is model


def _has_self_reference(model: Any) -> bool:
    return any(_refers_to(field, model) for field in model._meta.local_concrete_fields)


class _RebuildProbe:
    """Django's SQLite schema editor, asked what it would do: whether a call rebuilds the table."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        rebuilt: list[bool] = []

        class Probe(connection.SchemaEditorClass):  # type: ignore[name-defined,misc]
            def _remake_table(self, model: Any, *args: Any, **kwargs: Any) -> None:
                rebuilt.append(True)

            def execute(self, sql: Any, params: Any = ()) -> None:
                return None

            def create_model(self, model: Any) -> None:
                return None

        self._rebuilt = rebuilt
        self.editor = Probe(connection, atomic=False)

    def rebuilds(self, method: str, *args: Any) -> bool:
        self._rebuilt.clear()
        self.editor.deferred_sql = []
        getattr(self.editor, method)(*args)
        return bool(self._rebuilt)


def _reorder_columns(create_table: str, columns: list[str]) -> str:
    """A CREATE TABLE of Django's with its column definitions in the given order (constraints after them)."""
    opening = create_table.index("(")
    body = create_table[opening + 1 : -1]
    definitions = split_top_level(body, ",")
    by_column = {}
    for definition in definitions:
        name = re.match(r'"([^"]+)"', definition)
        if name is not None and name[1] in columns:
            by_column[name[1]] = definition
    if ", ".join(definitions) != body or sorted(by_column) != sorted(columns):
        raise ShortcutUnsafe(f"unexpected CREATE TABLE layout: {create_table[:80]}")
    constraints = [d for d in definitions if d not in by_column.values()]
    return create_table[: opening + 1] + ", ".join([by_column[c] for c in columns] + constraints) + ")"


_REBUILD_RENAME = re.compile(r'ALTER TABLE "new__(?P<table>[^"]+)" RENAME TO "(?P=table)"')


class _RebuildByRecreate:
    """Finish Django's table rebuild by re-creating the empty rebuilt table under its final name."""

    def execute(self, sql: Any, params: Any = ()) -> Any:
        rebuild = _REBUILD_RENAME.fullmatch(str(sql))
        if rebuild is None or params or self.collect_sql or not self._recreate(rebuild["table"]):
            return super().execute(sql, params)
        return None

    def _recreate(self, table: str) -> bool:
        temporary = f"new__{table}"
        with self.connection.cursor() as cursor:
            # Automatic indexes (UNIQUE, PRIMARY KEY; no SQL) are re-created with the table.
            cursor.execute(
                "SELECT type, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [temporary]
            )
            objects = cursor.fetchall()
            if [kind for kind, _ in objects] != ["table"]:
                return False  # indexes or triggers on it: let SQLite rename them
            cursor.execute(f'SELECT 1 FROM "{temporary}" LIMIT 1')
            if cursor.fetchone():
                return False  # rows (from RunSQL): keep them
            cursor.execute(f'DROP TABLE "{temporary}"')
            cursor.execute(objects[0][1].replace(f'"{temporary}"', f'"{table}"'))
        return True
