"""PostgreSQL through Django's own backend, offline.

What needs a server in Django's backend, and what stands in for it here:
- `pg_version` (feature flags such as `nulls_distinct`, PostgreSQL 15+) comes from `--server-version`;
- the schema editor's `execute` merges parameters with `mogrify` on a live cursor: they are merged with
  the driver's own quoting instead, the text Django would have sent;
- `CreateExtension` asks `pg_extension` whether the extension exists: it is always emitted with
  `IF NOT EXISTS`, which is what it would run on a clean database.
Extensions the models need (hstore, citext, pg_trgm, …) are emitted first even when no migration creates
them, since the tables could not be created without them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.db import models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

from graticule.provider.dialects.catalog import Catalog
from graticule.provider.dialects.fold import Folder
from graticule.provider.dialects.postgresql_catalog import PostgreSQLCatalog
from graticule.provider.dialects.postgresql_fold import PostgreSQLFolder
from graticule.provider.dialects.server import ServerDialect


class PostgreSQL(ServerDialect):
    name = "postgresql"
    vendor = "postgresql"
    engine = "django.db.backends.postgresql"
    default_server_version = "16"
    server_name = "PostgreSQL"

    def new_catalog(self) -> Catalog:
        return PostgreSQLCatalog()

    def new_folder(self, catalog: Catalog) -> Folder:
        return PostgreSQLFolder(catalog)

    def prepare(self, connection: BaseDatabaseWrapper, server_version: tuple[int, ...] | None) -> None:
        super().prepare(connection, server_version)
        version = server_version or (16,)
        # PostgreSQL 10+ numbers its versions major * 10000 + minor, as `server_version_num` reports them.
        connection.__dict__["pg_version"] = version[0] * 10000 + (version[1] if len(version) > 1 else 0)
        connection.SchemaEditorClass = type(
            "OfflinePostgreSQLSchemaEditor", (_MergeParametersOffline, connection.SchemaEditorClass), {}
        )

    def handle_operation(
        self, operation: Operation, app_label: str, state: ProjectState, editor: BaseDatabaseSchemaEditor
    ) -> bool:
        create_extension = _postgres_operation("CreateExtension")
        if create_extension is None or not isinstance(operation, create_extension):
            return False
        operation.state_forwards(app_label, state)
        if router.allow_migrate(editor.connection.alias, app_label):
            editor.execute(f"CREATE EXTENSION IF NOT EXISTS {editor.quote_name(operation.name)}")
        return True

    def prelude(self, connection: BaseDatabaseWrapper, statements: list[str]) -> list[str]:
        needed = sorted(set(_required_extensions(connection.alias)))
        creates = [f"CREATE EXTENSION IF NOT EXISTS {connection.ops.quote_name(name)}" for name in needed]
        existing = {statement.rstrip(";").strip() for statement in statements}
        return [sql for sql in creates if sql not in existing]


class _MergeParametersOffline:
    """Merge parameters as psycopg's client-side `mogrify` does, without its live cursor."""

    def execute(self, sql: Any, params: Any = ()) -> Any:
        if params is None:
            return super().execute(sql, None)
        from django.db.backends.postgresql.psycopg_any import sql as psycopg_sql

        merged = str(sql) % tuple(psycopg_sql.quote(param) for param in params)
        return super().execute(merged, None)


def _postgres_operation(name: str) -> type | None:
    try:
        from django.contrib.postgres import operations
    except ImportError:
        return None
    return getattr(operations, name, None)


def _required_extensions(alias: str) -> Iterator[str]:
    """The extensions the tables of `alias` need, read from the models (contrib.postgres features)."""
    try:
        from django.contrib.postgres import constraints as pg_constraints
        from django.contrib.postgres import fields as pg_fields
        from django.contrib.postgres import indexes as pg_indexes
    except ImportError:
        return
    ci_text = getattr(pg_fields, "CIText", None)  # removed in Django 5.1
    for model in apps.get_models(include_auto_created=True):
        if not router.allow_migrate_model(alias, model):
            continue
        for field in model._meta.local_fields:
            base = field
            while isinstance(base, pg_fields.ArrayField):
                base = base.base_field
            if isinstance(base, pg_fields.HStoreField):
                yield "hstore"
            if ci_text is not None and isinstance(base, ci_text):
                yield "citext"
            yield from _expression_extensions(getattr(field, "expression", None))
        for index in model._meta.indexes:
            if any("trgm" in opclass for opclass in index.opclasses):
                yield "pg_trgm"
            if isinstance(index, pg_indexes.BloomIndex):
                yield "bloom"
            scalar = any(_is_scalar(model, name) for name in _index_field_names(index))
            if isinstance(index, pg_indexes.GinIndex) and scalar:
                yield "btree_gin"
            if isinstance(index, pg_indexes.GistIndex) and scalar:
                yield "btree_gist"
            yield from _expression_extensions(index.expressions, index.condition)
        for constraint in model._meta.constraints:
            if isinstance(constraint, pg_constraints.ExclusionConstraint):
                names = [
                    expression for expression, _ in constraint.expressions if isinstance(expression, str)
                ]
                if constraint.index_type.lower() == "gist" and any(_is_scalar(model, n) for n in names):
                    yield "btree_gist"
            yield from _expression_extensions(
                getattr(constraint, "condition", None),
                getattr(constraint, "check", None),
                getattr(constraint, "expressions", None),
            )


# Functions and lookups of contrib.postgres that live in an extension.
_EXTENSION_OF_FUNCTION = {
    "Unaccent": "unaccent",
    "TrigramSimilarity": "pg_trgm",
    "TrigramDistance": "pg_trgm",
    "TrigramWordSimilarity": "pg_trgm",
    "TrigramWordDistance": "pg_trgm",
    "TrigramStrictWordSimilarity": "pg_trgm",
    "TrigramStrictWordDistance": "pg_trgm",
}
_EXTENSION_OF_LOOKUP = {
    "unaccent": "unaccent",
    "trigram_similar": "pg_trgm",
    "trigram_word_similar": "pg_trgm",
    "trigram_strict_word_similar": "pg_trgm",
}


def _expression_extensions(*roots: Any) -> Iterator[str]:
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node is None or isinstance(node, str | int | float | bool):
            continue
        if isinstance(node, list | tuple):
            stack.extend(node)
            continue
        if isinstance(node, models.Q):
            for child in node.children:
                if isinstance(child, tuple):
                    lookup, value = child
                    for part in lookup.split("__"):
                        if part in _EXTENSION_OF_LOOKUP:
                            yield _EXTENSION_OF_LOOKUP[part]
                    stack.append(value)
                else:
                    stack.append(child)
            continue
        if type(node).__name__ in _EXTENSION_OF_FUNCTION:
            yield _EXTENSION_OF_FUNCTION[type(node).__name__]
        if type(node).__name__ == "OpClass" and "trgm" in str(getattr(node, "template", "")) + str(
            getattr(node, "extra", {}).get("name", "")
        ):
            yield "pg_trgm"
        if hasattr(node, "get_source_expressions"):
            stack.extend(node.get_source_expressions())


def _index_field_names(index: models.Index) -> Iterable[str]:
    return [name.lstrip("-") for name in index.fields]


def _is_scalar(model: type[models.Model], name: str) -> bool:
    """A column a btree operator class serves (not an array, JSON, hstore, tsvector, range or geometry)."""
    try:
        field = model._meta.get_field(name)
    except Exception:
        return False
    kind = field.get_internal_type()
    return not (
        kind in {"ArrayField", "JSONField", "HStoreField", "SearchVectorField"}
        or kind.endswith("RangeField")
        or hasattr(field, "geom_type")
    )
