"""The provider's one use case: a configured Django project in, the desired schema as text out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.core import checks
from django.db import DEFAULT_DB_ALIAS

from graticule.provider.connection import emulated_connection
from graticule.provider.dialects import Realised, get_dialect
from graticule.provider.errors import ProviderError
from graticule.provider.planning import forwards_plan
from graticule.provider.positions import Position, table_positions
from graticule.provider.selection import only_apps, resolve_app_labels


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
    dialect = get_dialect(request.dialect)
    app_labels = resolve_app_labels(request.apps) if request.apps else None
    try:
        plan = forwards_plan(fresh=request.fresh)
    except ProviderError:
        raise
    except Exception:
        # Broken models often surface as an obscure planning error: report what Django's checks say.
        _check_models(None)
        raise
    with (
        emulated_connection(dialect, request.database, request.server_version) as connection,
        only_apps(app_labels, request.database),
    ):
        _check_models(request.database)
        realised = dialect.realise(plan, connection)
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


def _check_models(alias: str | None) -> None:
    """Refuse models `migrate` would refuse, with the same checks (those of the emulated database too)."""
    for message in checks.run_checks(tags=[checks.Tags.models], databases=None if alias is None else [alias]):
        if message.is_serious() and not message.is_silenced():
            raise ProviderError(f"system check failed: {str(message).splitlines()[0]}")
