"""The forwards plan `migrate` would run on an empty database, after a `makemigrations` that covers every app.

Apps that ship a migrations package are planned from it (that history decides constraint and index names),
followed by whatever `makemigrations` would add for model changes not yet in it. Apps without one, and every
app under `fresh`, are planned like a first `makemigrations` would (all generated migrations are kept: FK
cycles are split into a second migration). Nothing is written to disk and no database is queried.

Speed: the autodetector is Django's, with three of its steps made faster without changing what they compute
(see `_Autodetector`); `makemigrations` pays for the slow versions of the same steps.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.migrations import autodetector as autodetector_module
from django.db.migrations import operations as migration_operations
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.exceptions import CircularDependencyError, NodeNotFoundError
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.operations.base import Operation
from django.db.migrations.optimizer import MigrationOptimizer
from django.db.migrations.questioner import MigrationQuestioner
from django.db.migrations.state import ProjectState

from graticule.provider.errors import ProviderError
from graticule.provider.fresh import SHORTCUTS, mark_generated

Key = tuple[str, str]


class _FreshMigrationLoader(MigrationLoader):
    """A loader that sees no migrations package anywhere, so every app is planned from its models."""

    @classmethod
    def migrations_module(cls, app_label: str) -> tuple[None, bool]:
        return None, True


class _DesiredStateQuestioner(MigrationQuestioner):
    """The answers a desired state needs: every app gets migrations; no renames; no one-off defaults.

    One-off defaults only fill existing rows, and the database the plan builds has none, so `None` leaves the
    final schema exactly as with any value the user would have typed.
    """

    def ask_initial(self, app_label: str) -> bool:
        return True

    def ask_auto_now_add_addition(self, field_name: str, model_name: str) -> None:
        return None

    def ask_unique_callable_default_addition(self, field_name: str, model_name: str) -> None:
        return None


def forwards_plan(*, fresh: bool = False) -> list[Migration]:
    """Every migration `migrate` would apply to an empty database, in the order it would apply them."""
    loader_class = _FreshMigrationLoader if fresh else MigrationLoader
    try:
        loader = loader_class(None, ignore_no_migrations=True)
    except (NodeNotFoundError, CircularDependencyError) as exc:
        raise ProviderError(f"the on-disk migrations are inconsistent: {exc}") from exc
    conflicts = loader.detect_conflicts()
    if conflicts:
        described = "; ".join(
            f"{app}: {', '.join(sorted(names))}" for app, names in sorted(conflicts.items())
        )
        raise ProviderError(
            f"conflicting migrations (several leaf nodes) in {described}; "
            "run `manage.py makemigrations --merge`"
        )

    pending = _pending_migrations(loader)
    graph = loader.graph
    _add_pending(graph, loader, pending)
    try:
        graph.validate_consistency()
        graph.ensure_not_cyclic()
    except (NodeNotFoundError, CircularDependencyError) as exc:
        raise ProviderError(f"cannot order the migrations: {exc}") from exc

    # `migrate` with no target walks the leaf nodes in sorted order; so do we, for the same order.
    plan: list[Migration] = []
    planned: set[Key] = set()
    for target in graph.leaf_nodes():
        for key in graph.forwards_plan(target):
            if key not in planned:
                planned.add(key)
                plan.append(graph.nodes[key])
    return plan


def _pending_migrations(loader: MigrationLoader) -> dict[str, list[Migration]]:
    """What `makemigrations <every app>` would write now, keyed by app label."""
    autodetector = (_Autodetector if SHORTCUTS else MigrationAutodetector)(
        loader.project_state(), ProjectState.from_apps(apps), _DesiredStateQuestioner()
    )
    # Unmigrated apps are "real apps" of the on-disk state; converting them makes the autodetector create
    # their models instead of assuming they exist, exactly as `makemigrations <label>` does.
    changes = autodetector.changes(graph=loader.graph, convert_apps=set(loader.unmigrated_apps))
    for migrations in changes.values():
        for migration in migrations:
            mark_generated(migration)
    return changes


class _Autodetector(MigrationAutodetector):
    """Django's autodetector, computing the same migrations faster where it is quadratic for a fresh project.

    - Renamed models are only looked for when a model was removed: with none removed, Django's search loops
      over an empty set after computing every added model's field signature.
    - Sorting the operations asks `check_dependency` for every (operation, dependency) pair of an app; every
      branch of Django's `check_dependency` (4.2 to 5.2) requires the operation to concern the dependency's
      model, so only the operations on that model are asked.
    - The optimizer restarts its quadratic scan after every reduction and asks the same pairs again;
      `_MemoizedOptimizer` answers repeated pairs from memory (`reduce` depends only on the two operations).
    """

    def generate_renamed_models(self) -> None:
        if self.old_model_keys - self.new_model_keys:
            super().generate_renamed_models()
            return
        self.renamed_models = {}
        self.renamed_models_rel = {}

    def check_dependency(self, operation: Operation, dependency: tuple) -> bool:
        if _concerned_model(operation) != dependency[1].lower():
            return False
        return super().check_dependency(operation, dependency)

    def _sort_migrations(self) -> None:
        # Django's own method (its 4.2 or its 5.x form), asking `check_dependency` only about the operations
        # that concern the dependency's model: the others answer False (see above), and the matching
        # operations come in the same order, so the sorter receives exactly the same calls.
        own = vars(autodetector_module)
        if "TopologicalSorter" not in own and "stable_topological_sort" not in own:
            super()._sort_migrations()  # a Django version this was not written for: its own code
            return
        for app_label, ops in sorted(self.generated_operations.items()):
            concerning: dict[str | None, list[Operation]] = {}
            for op in ops:
                concerning.setdefault(_concerned_model(op), []).append(op)
            if "TopologicalSorter" in own:  # Django 5.x
                ts = own["TopologicalSorter"]()
                for op in ops:
                    ts.add(op)
                    for dep in op._auto_deps:
                        dep = self._resolve_dependency(dep)[0]
                        if dep[0] != app_label:
                            continue
                        candidates = concerning.get(dep[1].lower(), ())
                        ts.add(op, *(x for x in candidates if self.check_dependency(x, dep)))
                self.generated_operations[app_label] = list(ts.static_order())
            else:  # Django 4.2
                dependency_graph: dict[Operation, set[Operation]] = {op: set() for op in ops}
                for op in ops:
                    for dep in op._auto_deps:
                        dep = self._resolve_dependency(dep)[0]
                        if dep[0] == app_label:
                            for op2 in concerning.get(dep[1].lower(), ()):
                                if self.check_dependency(op2, dep):
                                    dependency_graph[op].add(op2)
                self.generated_operations[app_label] = own["stable_topological_sort"](ops, dependency_graph)

    def _optimize_migrations(self) -> None:
        # Django's own method (identical in 4.2 and 5.2), with the memoizing optimizer.
        for app_label, migrations in self.migrations.items():
            for m1, m2 in itertools.pairwise(migrations):
                m2.dependencies.append((app_label, m1.name))
        for migrations in self.migrations.values():
            for migration in migrations:
                migration.dependencies = list(set(migration.dependencies))
        for app_label, migrations in self.migrations.items():
            for migration in migrations:
                migration.operations = _MemoizedOptimizer().optimize(migration.operations, app_label)


def _concerned_model(operation: Operation) -> str | None:
    """The lower-case name of the model an operation concerns (field operations also have a `name_lower`:
    the field's)."""
    model_name = getattr(operation, "model_name_lower", None)
    return model_name if model_name is not None else getattr(operation, "name_lower", None)


# Operations whose `reduce` (4.2 to 5.2) returns a list for one of these only when both concern the same
# model (same name, or the model of a field, index or constraint operation), or one of them is elidable:
# CreateModel's list branches all require its own name; AddField's need the same field; AddIndex's and
# AddConstraint's need RemoveIndex/RenameIndex/RemoveConstraint/AlterConstraint; the option operations' need
# the same class and name; the rest end in Operation.reduce, which only returns a list for elidable ones.
_LISTS_ONLY_ON_ITS_MODEL = frozenset(
    getattr(migration_operations, name)
    for name in (
        "CreateModel",
        "AddField",
        "AddIndex",
        "AddConstraint",
        "AlterUniqueTogether",
        "AlterIndexTogether",  # gone from newer Django versions
        "AlterOrderWithRespectTo",
    )
    if hasattr(migration_operations, name)
)


class _MemoizedOptimizer(MigrationOptimizer):
    """Django's optimizer; `optimize_inner` is Django's own (identical in 4.2 and 5.2) with `reduce` memoized
    and asked only when its answer matters.

    A remembered result is handed out again only for the same two operation objects (kept alive by the memo,
    so their ids are not reused). A list result is applied at most once: once applied, its two operations
    have left the list for good.

    Django's scan asks every pair; what it does depends on the first list result, and on whether an answer
    before it was falsy (`right`). A pair that cannot give a list (two operations of
    `_LISTS_ONLY_ON_ITS_MODEL` on different models, neither elidable) is asked only when a list result
    follows it while `right` still holds, which is when its answer decides `right`; once `right` is False,
    never.
    """

    def __init__(self) -> None:
        self._reduced: dict[tuple[int, int], tuple[Operation, Operation, Any]] = {}
        self._models: dict[int, tuple[Operation, str | None]] = {}

    def _model_of(self, operation: Operation) -> str | None:
        """The model `operation` concerns when its `reduce` lists only on that model; None otherwise."""
        found = self._models.get(id(operation))
        if found is None:
            known = type(operation) in _LISTS_ONLY_ON_ITS_MODEL and not operation.elidable
            found = self._models[id(operation)] = (operation, _concerned_model(operation) if known else None)
        return found[1]

    def _reduce(self, operation: Operation, other: Operation, app_label: str) -> Any:
        key = (id(operation), id(other))
        found = self._reduced.get(key)
        if found is None:
            found = self._reduced[key] = (operation, other, operation.reduce(other, app_label))
        return found[2]

    def optimize_inner(self, operations: list[Operation], app_label: str) -> list[Operation]:
        reduced = self._reduced
        new_operations: list[Operation] = []
        model_of = self._model_of
        for i, operation in enumerate(operations):
            right = True  # Should we reduce on the right or on the left.
            model = model_of(operation)
            unasked: list[Operation] = []  # since the last answer, pairs that cannot give a list
            # Compare it to each operation after it
            for j, other in enumerate(operations[i + 1 :]):
                if model is not None:
                    other_model = model_of(other)
                    if other_model is not None and other_model != model:
                        if right:  # once `right` is False, only list results matter
                            unasked.append(other)
                        continue
                # self._reduce(operation, other, app_label), inlined: it runs for every pair of every pass
                found = reduced.get((id(operation), id(other)))
                if found is None:
                    found = reduced[id(operation), id(other)] = (
                        operation,
                        other,
                        operation.reduce(other, app_label),
                    )
                result = found[2]
                if unasked:
                    # Django asked these in order before this one: `right` holds only if all were truthy.
                    right = all(self._reduce(operation, op, app_label) for op in unasked)
                    unasked = []
                if isinstance(result, list):
                    in_between = operations[i + 1 : i + j + 1]
                    if right:
                        new_operations.extend(in_between)
                        new_operations.extend(result)
                    elif all(self._reduce(op, other, app_label) is True for op in in_between):
                        # Perform a left reduction if all of the in-between
                        # operations can optimize through other.
                        new_operations.extend(result)
                        new_operations.extend(in_between)
                    else:
                        # Otherwise keep trying.
                        new_operations.append(operation)
                        break
                    new_operations.extend(operations[i + j + 2 :])
                    return new_operations
                elif not result:
                    # Can't perform a right reduction.
                    right = False
            else:
                new_operations.append(operation)
        return new_operations


def _add_pending(graph: MigrationGraph, loader: MigrationLoader, pending: dict[str, list[Migration]]) -> None:
    """Put the pending migrations into the on-disk graph with their dependencies resolved."""
    for app_label, migrations in pending.items():
        for migration in migrations:
            graph.add_node((app_label, migration.name), migration)

    def resolve(dependency: tuple[str, str]) -> Key | None:
        app_label, name = dependency
        if app_label == "__setting__":
            # A swappable dependency, e.g. on AUTH_USER_MODEL: the first migration of the app that holds it.
            app_label, name = getattr(settings, name).split(".")[0], "__first__"
        if (app_label, name) in graph.nodes:
            return app_label, name
        if name == "__latest__":
            leaves = graph.leaf_nodes(app_label)
            return leaves[0] if leaves else None
        # "__first__", or a migration of a formerly unmigrated app that only exists under a generated name.
        # An app without any migration (no models) is ignored, as Django's loader does.
        roots = graph.root_nodes(app_label)
        return roots[0] if roots else None

    for app_label, migrations in pending.items():
        for migration in migrations:
            child = (app_label, migration.name)
            for dependency in migration.dependencies:
                parent = resolve(dependency)
                if parent is not None and parent != child:
                    graph.add_dependency(migration, child, parent, skip_validation=True)

    # The loader ignored on-disk dependencies on unmigrated apps (their tables used to come from syncdb);
    # now that those apps have migrations, the dependencies must order them.
    for key, migration in loader.disk_migrations.items():
        if key not in graph.nodes:
            continue  # replaced by a squashed migration
        for dependency in migration.dependencies:
            if dependency[0] in loader.unmigrated_apps:
                parent = resolve(dependency)
                if parent is not None and parent != key:
                    graph.add_dependency(migration, key, parent, skip_validation=True)
