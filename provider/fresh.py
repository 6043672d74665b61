"""Runs of migrations that only create new tables: their DDL from the models they end with, in one pass.

A fresh `makemigrations` (and many initial migrations on disk) creates models, then adds their remaining
fields, indexes, constraints and `unique_together`. `migrate` applies that one operation at a time, rendering
the changed model again after each one, and on SQLite rebuilds a table for most added fields and
constraints. A *fresh run* is a run of consecutive migrations whose every operation is one of those additive
steps on a model created in the same run (see `fresh_run_end` for the exact rules). For a fresh run, the
provider moves the project state through all its operations without rendering, renders the models created
in it once, and calls `schema_editor.create_model` on each of them, in the order the run creates them.

What that yields, compared with `migrate`:
- Columns: a model's state lists its fields in the order the operations add them (a CreateModel's fields,
  then each AddField at the end), and a rendered model keeps that order, which is the order `migrate`
  creates the columns in. The one column Django adds by itself, `_order` (order_with_respect_to), is always
  rendered last: the rules refuse a run that adds a field to a model after its `_order`.
- Names: every index, unique and foreign key name Django chooses is computed from the table, the columns and
  the object (not from the moment it is created), and explicit names are explicit. Names a server chooses
  (PostgreSQL `t_col_key`, MySQL `col`, …) depend only on what exists when the object is created; no
  object of a fresh run is ever dropped, so they can only differ through a collision, which the server
  dialects detect and then fall back to Django's path.
- Text: on SQLite a table's stored CREATE TABLE is the text of its last rebuild plus the columns added
  after it, so a table constraint can sit between columns; the SQLite dialect writes table constraints
  after the columns for every table, whichever path built it. The server dialects print the final shape of
  each table (see their fold), which does not depend on the statements that built it either.

GRATICULE_PROVIDER_NO_SHORTCUTS=1 applies every migration with Django's own path; the tests compare the
output of both on the test projects and on generated projects.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations import operations
from django.db.migrations.migration import Migration
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState
from django.db.models import Field

Key = tuple[str, str]

SHORTCUTS = os.environ.get("GRATICULE_PROVIDER_NO_SHORTCUTS") != "1"
"""Whether the provider may take its exact shortcuts (fresh runs, the faster autodetector steps, the
additive and rebuild shortcuts of applying.py and dialects/sqlite.py); off, every step is Django's own
(a diagnostic: the tests compare both)."""


class ShortcutUnsafe(Exception):
    """A fresh run met something whose result it cannot vouch for: the schema is built again without it.

    `avoid` names the models whose creation must not be part of a fresh run next time; without it, the
    schema is built again without any fresh run.
    """

    def __init__(self, message: str, avoid: frozenset[Key] = frozenset()) -> None:
        super().__init__(message)
        self.avoid = avoid


_TOGETHER = {
    getattr(operations, name): option
    for name, option in (("AlterUniqueTogether", "unique_together"), ("AlterIndexTogether", "index_together"))
    if hasattr(operations, name)  # AlterIndexTogether is gone from newer Django versions
}


# The changes a fresh run may make to a model it created (each with its rule in `_RunShape.accepts`).
_CHANGES = frozenset(
    {operations.AddField, operations.AddIndex, operations.AddConstraint, operations.AlterOrderWithRespectTo}
    | set(_TOGETHER)
)


class _RunShape:
    """What a candidate run has done so far, as far as the rules need to know."""

    def __init__(self, avoid: frozenset[Key] = frozenset()) -> None:
        self.avoid = avoid
        self.created: set[Key] = set()
        self.together: set[tuple[Key, str]] = set()
        self.ordered: set[Key] = set()

    def copy(self) -> _RunShape:
        shape = _RunShape(self.avoid)
        shape.created, shape.together = set(self.created), set(self.together)
        shape.ordered = set(self.ordered)
        return shape

    def accepts(self, operation: Operation, app_label: str) -> bool:
        """Whether `operation` keeps the run fresh; if so, record what it does."""
        kind = type(operation)  # exact types: a subclass (a third-party operation) may do more
        if kind is operations.CreateModel:
            key = (app_label, operation.name_lower)
            if key in self.created or key in self.avoid:
                return False
            self.created.add(key)
            for option in _TOGETHER.values():
                if operation.options.get(option):
                    self.together.add((key, option))
            if operation.options.get("order_with_respect_to"):
                self.ordered.add(key)
            return True
        if kind not in _CHANGES:
            return False
        key = (app_label, getattr(operation, "model_name_lower", None) or operation.name_lower)
        if key not in self.created:
            return False
        if kind is operations.AddField:
            # A new primary key changes what foreign keys point at; a field after `_order` would be created
            # before it by `migrate` but rendered after it.
            return not operation.field.primary_key and key not in self.ordered
        if kind in (operations.AddIndex, operations.AddConstraint):
            return True
        if kind in _TOGETHER:
            # Only setting it on a model that has none: a change would drop what was created before.
            if (key, _TOGETHER[kind]) in self.together:
                return False
            self.together.add((key, _TOGETHER[kind]))
            return True
        if kind is operations.AlterOrderWithRespectTo:
            if key in self.ordered or not operation.order_with_respect_to:
                return False
            self.ordered.add(key)
            return True
        return False


def fresh_run_end(plan: list[Migration], start: int, avoid: frozenset[Key] = frozenset()) -> int:
    """The end (exclusive) of the longest fresh run of `plan` starting at `start` (`start` when none); a run
    never creates a model of `avoid`."""
    shape = _RunShape(avoid)
    end = start
    for migration in plan[start:]:
        attempt = shape.copy()
        if not all(attempt.accepts(operation, migration.app_label) for operation in migration.operations):
            break
        shape, end = attempt, end + 1
    return end


def mark_generated(migration: Migration) -> None:
    """Note that `migration` was generated in this process (planning.py), not loaded from a module: the
    fields of its operations are the autodetector's own copies, used by nothing else once applied."""
    migration.__dict__[_GENERATED] = True


_GENERATED = "graticule_generated"


def apply_fresh_run(
    run: list[Migration],
    state: ProjectState,
    connection: BaseDatabaseWrapper,
    *,
    collect_sql: bool,
    editor_for: Callable[[list[Migration], Any], BaseDatabaseSchemaEditor | None] | None = None,
    last: bool = False,
) -> list[str]:
    """Apply a fresh run: move `state` past it and create its tables as they are at its end.

    Returns the collected SQL when `collect_sql`. `editor_for(run, apps)` may supply the schema editor in
    place of `connection.schema_editor` (the SQLite dialect records statements rather than executing them).
    `last`: nothing applies the plan's migrations after this run, so the fields of generated migrations may
    be given to the rendered models themselves (see `_fields_taken`); the plan cannot be applied again.
    """
    rendered = state.__dict__.pop("apps", None)
    created: list[tuple[Key, Operation]] = []
    try:
        # Without `apps`, a state change only edits the model states: nothing is rendered.
        for migration in run:
            for operation in migration.operations:
                operation.state_forwards(migration.app_label, state)
                if type(operation) is operations.CreateModel:
                    created.append(((migration.app_label, operation.name_lower), operation))
    finally:
        if rendered is not None:
            state.__dict__["apps"] = rendered
    if rendered is None:
        apps = state.apps
    else:
        # The run only created models and changed those: render them into the registry once. No model
        # rendered before points at them, so none needs rendering again.
        apps = rendered
        taken = _fields_taken(run, state, created) if last and SHORTCUTS else set()
        with _clones_skipped(taken):
            apps.render_multiple([state.models[key] for key, _ in created])

    editor: Any = editor_for(run, apps) if editor_for is not None else None
    if editor is None:
        editor = connection.schema_editor(collect_sql=collect_sql, atomic=not collect_sql)
    with editor:
        for key, operation in created:
            model = apps.get_model(*key)
            # The check CreateModel.database_forwards makes (managed, proxy, swapped, routers).
            if operation.allow_migrate_model(editor.connection.alias, model):
                editor.create_model(model)
        # A constraint the database cannot have (a conditional unique constraint on MySQL) is deferred as
        # None when the table has parameters (a database default on MySQL); AddConstraint, which creates it
        # on Django's path, skips it.
        editor.deferred_sql = [sql for sql in editor.deferred_sql if sql is not None]
    return list(editor.collected_sql) if collect_sql else []


def _fields_taken(
    run: list[Migration], state: ProjectState, created: list[tuple[Key, Operation]]
) -> set[int]:
    """The ids of the fields that rendering may bind to the rendered models instead of binding clones.

    Rendering a model state clones each of its fields (`Field.clone`: `deconstruct`, then a new instance
    from the same arguments) and binds the clone, because the state's field must stay unbound for the next
    state change. A clone differs from its field only in its place in the creation order, which decides the
    order of the model's fields. After the last run of the plan no state changes any more; a field of a
    generated migration (`mark_generated`) belongs to nothing a later step reads (a migration module's
    fields stay loaded, and are always cloned); and one that is not bound yet and appears once among the
    models rendered can be bound itself, given the creation number a clone would get (`_clones_skipped`).
    """
    generated: set[int] = set()
    for migration in run:
        if migration.__dict__.get(_GENERATED):
            for operation in migration.operations:
                if type(operation) is operations.CreateModel:
                    generated.update(id(field) for _, field in operation.fields)
                elif type(operation) is operations.AddField:
                    generated.add(id(operation.field))
    fields = [field for key, _ in created for field in state.models[key].fields.values()]
    uses = Counter(id(field) for field in fields)
    return {
        id(field)
        for field in fields
        if uses[id(field)] == 1 and id(field) in generated and not hasattr(field, "model")
    }


@contextmanager
def _clones_skipped(taken: set[int]) -> Iterator[None]:
    """While rendering, `Field.clone` hands out the fields of `taken` themselves, numbered as their clones
    would be (what `Field.__init__` does with the counters, identical in Django 4.2 and 5.2), each once."""
    if not taken:
        yield
        return
    clone = Field.clone

    def take(field: Field) -> Field:
        if id(field) not in taken:
            return clone(field)
        taken.discard(id(field))
        if field.auto_created:
            field.creation_counter = Field.auto_creation_counter
            Field.auto_creation_counter -= 1
        else:
            field.creation_counter = Field.creation_counter
            Field.creation_counter += 1
        return field

    Field.clone = take  # type: ignore[method-assign]
    try:
        yield
    finally:
        Field.clone = clone  # type: ignore[method-assign]
