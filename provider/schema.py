"""The provider's one use case: a configured Django project in, the desired schema as text out."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core import checks
from django.db import DEFAULT_DB_ALIAS

from graticule.provider.applying import PATHS
from graticule.provider.connection import emulated_connection
from graticule.provider.dialects import Dialect, Realised, get_dialect
from graticule.provider.errors import ProviderError
from graticule.provider.fresh import ShortcutUnsafe
from graticule.provider.planning import forwards_plan
from graticule.provider.positions import Position, table_positions
from graticule.provider.selection import only_apps, resolve_app_labels
from graticule.provider.speedups import django_speedups


@dataclass(frozen=True)
class SchemaRequest:
    dialect: str
    apps: list[str] | None = None
    database: str = DEFAULT_DB_ALIAS
    server_version: str | None = None
    fresh: bool = False
    project_dir: Path = field(default_factory=Path.cwd)


def generate_schema(request: SchemaRequest) -> str:
    """The DDL `migrate` would build for the request, preceded by the tables' source positions.

    Django must be set up. Raises ProviderError for anything the user has to fix.
    """
    with _garbage_collection_paused():
        return _generate_schema(request)


@contextmanager
def _garbage_collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while the schema is built.

    Building it creates a few hundred thousand objects that all live until the end (model states, rendered
    classes, statements), and each of CPython's full collections walks every object of the process again:
    on a large project they cost about a sixth of the run and free next to nothing. Reference counting
    still frees what is not in a cycle; collection resumes when the schema is built.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _generate_schema(request: SchemaRequest) -> str:
    dialect = get_dialect(request.dialect)
    PATHS.clear()
    app_labels = resolve_app_labels(request.apps) if request.apps else None
    with _swappable_names_remembered(), django_speedups():
        try:
            plan = forwards_plan(fresh=request.fresh)
        except ProviderError:
            raise
        except Exception:
            # Broken models often surface as an obscure planning error: report what Django's checks say.
            _check_models(None)
            raise
        with (
            only_apps(app_labels, request.database),
            emulated_connection(dialect, request.database, request.server_version) as connection,
        ):
            _check_models(request.database)
            try:
                realised = dialect.realise(plan, connection)
            except ShortcutUnsafe as unsafe:
                realised = _realise_again(dialect, request, unsafe)
    if os.environ.get("GRATICULE_PROVIDER_TRACE") == "1":
        print("graticule-provider paths:", dict(sorted(PATHS.items())), file=sys.stderr)
    if not realised.tables:
        # Never an empty desired state: the planner would read it as "drop every table".
        scope = f"apps {', '.join(sorted(app_labels))}" if app_labels else "the project"
        raise ProviderError(
            f"no tables to create: {scope} defines no managed models for database {request.database!r} "
            f"(check INSTALLED_APPS, --apps and database routers)"
        )
    return render(realised, table_positions(request.project_dir))


def render(realised: Realised, positions: dict[str, Position]) -> str:
    header = [
        f"-- atlas:pos {table}[type=table] {positions[table]}\n"
        for table in realised.tables
        if table in positions
    ]
    body = [statement.rstrip().removesuffix(";") + ";\n" for statement in realised.statements]
    return "".join(header) + ("\n" if header else "") + "".join(body)


def _realise_again(dialect: Dialect, request: SchemaRequest, unsafe: ShortcutUnsafe) -> Realised:
    """Fresh runs could not vouch for the schema (fresh.py): build it again, on a connection of its own,
    without fresh runs for the models `unsafe` names, and if that fails too, without any fresh run.

    Each attempt plans again: applying a plan may give its generated fields to the models it renders
    (fresh.py, `apply_fresh_run`), so a plan is applied once."""
    PATHS.clear()
    PATHS["fresh runs given up"] += 1
    if unsafe.avoid:
        with emulated_connection(dialect, request.database, request.server_version) as connection:
            try:
                return dialect.realise(forwards_plan(fresh=request.fresh), connection, avoid=unsafe.avoid)
            except ShortcutUnsafe:
                PATHS.clear()
                PATHS["fresh runs given up"] += 2
    with emulated_connection(dialect, request.database, request.server_version) as connection:
        return dialect.realise(forwards_plan(fresh=request.fresh), connection, fresh_runs=False)


@contextmanager
def _swappable_names_remembered() -> Iterator[None]:
    """Answer the project registry's swappable-setting lookups from memory while the schema is built.

    Every foreign key's `deconstruct` (run for each field the migration machinery clones) asks the project
    registry which setting swaps its target. Django caches the answer with `functools.cache` on the method,
    whose cache is shared by every registry and emptied whenever any registry changes — and rendering
    migration states changes their own registries all the time, so the lookup, a scan of every installed
    model, runs again and again. The project registry itself does not change while the schema is built, so
    neither do its answers. Every answer comes from one pass over the models, the same loop as Django's
    lookup (4.2 to 5.2) run once for every model string: the first model, in registry order, that is swapped
    for it or is it and swappable gives the setting's name.
    """
    answers: dict[str, str | None] | None = None

    def remembered(to_string: str) -> str | None:
        nonlocal answers
        if answers is None:
            answers = {}
            for model in apps.get_models(include_swapped=True):
                swapped, swappable = model._meta.swapped, model._meta.swappable
                if swapped:
                    answers.setdefault(swapped.lower(), swappable)
                if swappable:
                    answers.setdefault(model._meta.label_lower, swappable)
        return answers.get(to_string.lower())

    apps.get_swappable_settings_name = remembered  # type: ignore[method-assign]
    try:
        yield
    finally:
        del apps.get_swappable_settings_name


def _check_models(alias: str | None) -> None:
    """Refuse models `migrate` would refuse, with the same checks (those of the emulated database too)."""
    for message in checks.run_checks(tags=[checks.Tags.models], databases=None if alias is None else [alias]):
        if message.is_serious() and not message.is_silenced():
            raise ProviderError(f"system check failed: {str(message).splitlines()[0]}")
