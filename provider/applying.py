"""Run a forwards plan through a connection's schema editor, the way `migrate` does, threading one state.

Operations that do not reduce to SQL (RunPython and the like) move data, not schema, and are skipped: the
provider describes tables, and the database it builds is empty.

Speed: runs of migrations that only create tables — a fresh `makemigrations`, most initial migrations —
are applied in one pass from the models they end with (fresh.py). For the other migrations: after each
state change `migrate` re-renders the changed model *and every model connected to it*,
and clones the whole project state before each operation: quadratic in the number of models (minutes for a
few hundred). Operations that only add something (a model, a field, an index, a constraint, a unique
together) are applied here by re-rendering just the model they change, with the model as it was before
handed to the schema editor in place of a cloned state. The classes the schema editor sees are the same
Django renders; models that point at the changed one keep pointing at its previous class, which has the
same table and primary key, and Django resolves reverse relations by label, not by class. Any other
operation takes Django's own path. GRATICULE_PROVIDER_NO_SHORTCUTS=1 forces Django's path everywhere (the
tests compare both).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations import operations
from django.db.migrations.migration import Migration
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

from graticule.provider.errors import ProviderError
from graticule.provider.fresh import SHORTCUTS, ShortcutUnsafe, apply_fresh_run, fresh_run_end

# A dialect's own handling of an operation that would need a live server; returns True when it handled it.
OperationHandler = Callable[[Operation, str, ProjectState, BaseDatabaseSchemaEditor], bool]


def apply_plan(
    plan: list[Migration],
    connection: BaseDatabaseWrapper,
    *,
    collect_sql: bool,
    handler: OperationHandler | None = None,
    fresh_runs: FreshRuns | None = None,
) -> list[str]:
    """Apply every migration of the plan; with `collect_sql`, return the SQL instead of executing it.

    One schema editor per migration, as `migrate` uses, so deferred SQL (foreign keys, indexes) runs at the
    same points. A collecting editor is never atomic: a transaction would need a live server. With
    `fresh_runs`, runs of migrations that only create tables are applied in one pass (see fresh.py).
    """
    state = ProjectState(real_apps=set())
    state.apps  # noqa: B018 - render the (empty) registry now, so every operation can take the fast path
    collected: list[str] = []
    position = 0
    while position < len(plan):
        end = (
            fresh_run_end(plan, position, fresh_runs.avoid)
            if fresh_runs is not None and SHORTCUTS
            else position
        )
        if end > position:
            run = plan[position:end]
            with _reported(run[0], connection):
                collected.extend(
                    apply_fresh_run(
                        run,
                        state,
                        connection,
                        collect_sql=collect_sql,
                        editor_for=fresh_runs.editor,
                        last=end == len(plan),
                    )
                )
                fresh_runs.after_run()
            PATHS["fresh runs"] += 1
            PATHS["migrations in fresh runs"] += end - position
            position = end
            continue
        PATHS["migrations on Django's path"] += 1
        migration = plan[position]
        if fresh_runs is not None:
            fresh_runs.before_django_path()
        atomic = migration.atomic and not collect_sql
        with (
            _reported(migration, connection),
            connection.schema_editor(collect_sql=collect_sql, atomic=atomic) as editor,
        ):
            for operation in migration.operations:
                apply_operation(operation, migration.app_label, state, editor, handler)
        if collect_sql:
            collected.extend(editor.collected_sql)
        position += 1
    return collected


class FreshRuns:
    """A dialect's handling of fresh runs (fresh.py); by default they are applied like any migration."""

    avoid: frozenset[tuple[str, str]] = frozenset()
    """Models whose creation stays on Django's path (see ShortcutUnsafe)."""

    def editor(self, run: list[Migration], apps: Any) -> BaseDatabaseSchemaEditor | None:
        """The schema editor for a fresh run whose models are rendered in `apps` (None: the usual one)."""
        return None

    def after_run(self) -> None:
        """Called after a fresh run (e.g. to check what it did)."""

    def before_django_path(self) -> None:
        """Called before a migration is applied with Django's path (e.g. to execute recorded statements)."""


@contextmanager
def _reported(migration: Migration, connection: BaseDatabaseWrapper) -> Iterator[None]:
    try:
        yield
    except (ProviderError, ShortcutUnsafe):
        raise
    except Exception as exc:
        raise ProviderError(
            f"migration {migration.app_label}.{migration.name} failed on {connection.vendor}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def apply_operation(
    operation: Operation,
    app_label: str,
    state: ProjectState,
    editor: BaseDatabaseSchemaEditor,
    handler: OperationHandler | None = None,
) -> None:
    """Move `state` forwards by one operation (in place) and run its schema change on `editor`."""
    if not operation.reduces_to_sql:
        operation.state_forwards(app_label, state)
        return
    if handler is not None and handler(operation, app_label, state, editor):
        return
    if isinstance(operation, operations.SeparateDatabaseAndState):
        # Its database operations run on a state of their own; only its state operations move the project.
        database_state = state.clone()
        for database_operation in operation.database_operations:
            apply_operation(database_operation, app_label, database_state, editor, handler)
        for state_operation in operation.state_operations:
            state_operation.state_forwards(app_label, state)
        return
    changed = _additive_change(operation, app_label)
    if changed is not None and "apps" in state.__dict__ and SHORTCUTS:
        before = _StateBefore(state, changed)
        with _reload_only_changed(state):
            operation.state_forwards(app_label, state)
        operation.database_forwards(app_label, editor, before, state)
        return
    from_state = state.clone()
    operation.state_forwards(app_label, state)
    operation.database_forwards(app_label, editor, from_state, state)


PATHS: Counter[str] = Counter()
"""How many migrations took which path (reported on stderr with GRATICULE_PROVIDER_TRACE=1, for tests)."""

# Operations whose database_forwards reads the changed model only, from `to_state` and `from_state.apps`.
# Matched by exact type: a subclass (a third-party operation) may read more, and takes Django's path.
_ADDITIVE = frozenset(
    getattr(operations, name)
    for name in (
        "CreateModel",
        "AddField",
        "AddIndex",
        "AddConstraint",
        "AlterUniqueTogether",
        "AlterIndexTogether",  # gone from newer Django versions
        "AlterOrderWithRespectTo",
        "AlterModelOptions",
        "AlterModelManagers",
    )
    if hasattr(operations, name)
)


def _additive_change(operation: Operation, app_label: str) -> tuple[str, str] | None:
    """The model an additive operation changes, or None when the operation must take Django's path."""
    if type(operation) not in _ADDITIVE:
        return None
    if isinstance(operation, operations.AddField) and operation.field.primary_key:
        return None  # a new primary key changes what every foreign key to the model points at
    # CreateModel and the Alter…Together/Options operations name the model `name`; field, index and
    # constraint operations name it `model_name`.
    return app_label, getattr(operation, "model_name_lower", None) or operation.name_lower


def _rendered(state: ProjectState, key: tuple[str, str]) -> type[models.Model] | None:
    try:
        return state.apps.get_model(*key)
    except LookupError:
        return None


@contextmanager
def _reload_only_changed(state: ProjectState) -> Iterator[None]:
    """While the operation moves the state, re-render only the model it changes (and its M2M tables)."""

    def reload_models(keys: Any, delay: bool = True) -> None:
        for key in keys:
            reload_model(*key)

    def reload_model(app_label: str, model_name: str, delay: bool = False) -> None:
        key = (app_label, model_name)
        stale = [key]
        previous = _rendered(state, key)
        if previous is not None:
            # Its auto-created many-to-many models are rendered again with it (same names).
            stale += [
                (field.remote_field.through._meta.app_label, field.remote_field.through._meta.model_name)
                for field in previous._meta.local_many_to_many
                if field.remote_field.through._meta.auto_created
            ]
        # One cache reset for the whole swap: a registry resets every model's caches on each change.
        with state.apps.bulk_update():
            for stale_key in stale:
                state.apps.unregister_model(*stale_key)
            state.apps.render_multiple([state.models[key]])

    state.reload_model = reload_model  # type: ignore[method-assign]
    state.reload_models = reload_models  # type: ignore[method-assign]
    try:
        yield
    finally:
        del state.reload_model
        del state.reload_models


class _StateBefore:
    """`from_state` for an additive operation: the changed model as it was, every other model as it is."""

    def __init__(self, state: ProjectState, key: tuple[str, str]) -> None:
        model_state = state.models.get(key)
        self.models = _Overlay(state.models, key, None if model_state is None else model_state.clone())
        self.apps = _AppsBefore(state, key, _rendered(state, key))


class _Overlay(Mapping):
    """The project's model states, with the changed one as it was before the operation."""

    def __init__(self, current: dict, key: tuple[str, str], before: Any) -> None:
        self._current, self._key, self._before = current, key, before

    def __getitem__(self, key: tuple[str, str]) -> Any:
        if key == self._key:
            if self._before is None:
                raise KeyError(key)
            return self._before
        return self._current[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return (key for key in self._current if key != self._key or self._before is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _AppsBefore:
    def __init__(self, state: ProjectState, key: tuple[str, str], before: type[models.Model] | None) -> None:
        self._state, self._key, self._before = state, key, before

    def get_model(self, app_label: str, model_name: str | None = None) -> type[models.Model]:
        if model_name is None:
            app_label, model_name = app_label.split(".")
        if (app_label, model_name.lower()) == self._key:
            if self._before is None:
                raise LookupError(f"{app_label}.{model_name} does not exist before it is created")
            return self._before
        return self._state.apps.get_model(app_label, model_name)
