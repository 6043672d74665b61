"""Run a forwards plan through a connection's schema editor, the way `migrate` does, threading one state.

Operations that do not reduce to SQL (RunPython and the like) move data, not schema, and are skipped: the
provider describes tables, and the database it builds is empty.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.migration import Migration
from django.db.migrations.operations import SeparateDatabaseAndState
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

from graticule.provider.errors import ProviderError


def apply_plan(plan: list[Migration], connection: BaseDatabaseWrapper, *, collect_sql: bool) -> list[str]:
    """Apply every migration of the plan; with `collect_sql`, return the SQL instead of executing it.

    One schema editor per migration, as `migrate` uses, so deferred SQL (foreign keys, indexes) runs at the
    same points. A collecting editor is never atomic: a transaction would need a live server.
    """
    state = ProjectState(real_apps=set())
    collected: list[str] = []
    for migration in plan:
        atomic = migration.atomic and not collect_sql
        try:
            with connection.schema_editor(collect_sql=collect_sql, atomic=atomic) as editor:
                for operation in migration.operations:
                    apply_operation(operation, migration.app_label, state, editor)
        except ProviderError:
            raise
        except Exception as exc:
            raise ProviderError(
                f"migration {migration.app_label}.{migration.name} failed on {connection.vendor}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if collect_sql:
            collected.extend(editor.collected_sql)
    return collected


def apply_operation(
    operation: Operation, app_label: str, state: ProjectState, editor: BaseDatabaseSchemaEditor
) -> None:
    """Move `state` forwards by one operation (in place) and run its schema change on `editor`."""
    if not operation.reduces_to_sql:
        operation.state_forwards(app_label, state)
        return
    if isinstance(operation, SeparateDatabaseAndState):
        # Its database operations run on a state of their own; only its state operations move the project.
        database_state = state.clone()
        for database_operation in operation.database_operations:
            apply_operation(database_operation, app_label, database_state, editor)
        for state_operation in operation.state_operations:
            state_operation.state_forwards(app_label, state)
        return
    from_state = state.clone()
    operation.state_forwards(app_label, state)
    operation.database_forwards(app_label, editor, from_state, state)
