"""Compare the provider's autodetector with Django's own, in a project's Django process.

Run as `python manage.py shell -c "import autodetectors; autodetectors.main()"` with this directory on
PYTHONPATH: prints one line, `same <n> migrations` or the first difference, as the migration files
`makemigrations` would write (MigrationWriter), so every operation and argument is compared.
"""

from __future__ import annotations

import difflib


def _written(autodetector_class: type) -> list[str]:
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.state import ProjectState
    from django.db.migrations.writer import MigrationWriter

    from graticule.provider.planning import _DesiredStateQuestioner

    loader = MigrationLoader(None, ignore_no_migrations=True)
    autodetector = autodetector_class(
        loader.project_state(), ProjectState.from_apps(apps), _DesiredStateQuestioner()
    )
    changes = autodetector.changes(graph=loader.graph, convert_apps=set(loader.unmigrated_apps))
    written = []
    for app_label in sorted(changes):
        for migration in changes[app_label]:
            # Dependencies are de-duplicated through a set by Django: compare them sorted.
            migration.dependencies = sorted(migration.dependencies)
            text = MigrationWriter(migration, include_header=False).as_string()
            written.append(f"# {app_label}.{migration.name}\n{text}")
    return written


def main() -> None:
    from django.db.migrations.autodetector import MigrationAutodetector

    from graticule.provider.planning import _Autodetector

    django_own = _written(MigrationAutodetector)
    ours = _written(_Autodetector)
    if ours == django_own:
        print(f"same {len(ours)} migrations")
        return
    diff = difflib.unified_diff("".join(django_own).splitlines(), "".join(ours).splitlines(), lineterm="")
    print("different:", "\n".join(list(diff)[:40]))
