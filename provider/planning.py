"""The forwards plan `migrate` would run on an empty database, after a `makemigrations` that covers every app.

Apps that ship a migrations package are planned from it (that history decides constraint and index names),
followed by whatever `makemigrations` would add for model changes not yet in it. Apps without one, and every
app under `fresh`, are planned like a first `makemigrations` would (all generated migrations are kept: FK
cycles are split into a second migration). Nothing is written to disk and no database is queried.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.exceptions import CircularDependencyError, NodeNotFoundError
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.questioner import MigrationQuestioner
from django.db.migrations.state import ProjectState

from graticule.provider.errors import ProviderError

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
    autodetector = MigrationAutodetector(
        loader.project_state(), ProjectState.from_apps(apps), _DesiredStateQuestioner()
    )
    # Unmigrated apps are "real apps" of the on-disk state; converting them makes the autodetector create
    # their models instead of assuming they exist, exactly as `makemigrations <label>` does.
    return autodetector.changes(graph=loader.graph, convert_apps=set(loader.unmigrated_apps))


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
