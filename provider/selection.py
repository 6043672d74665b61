"""`--apps`: build only the tables of some apps, as a database router restricted to them would.

The whole plan still runs (other apps' states are needed to render related models), but a router placed in
front of the project's routers stops every other app's schema operation, so Django decides what belongs to
the subset with the same rules it uses for multi-database projects.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.db import router

from graticule.provider.errors import ProviderError


class _OnlyApps:
    def __init__(self, app_labels: set[str]) -> None:
        self.app_labels = app_labels

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return None if app_label in self.app_labels else False


def resolve_app_labels(requested: list[str]) -> set[str]:
    """The app labels named by `--apps`, or an error naming the first unknown one."""
    labels: set[str] = set()
    for label in requested:
        try:
            labels.add(apps.get_app_config(label).label)
        except LookupError:
            installed = ", ".join(sorted(config.label for config in apps.get_app_configs()))
            raise ProviderError(f"unknown app label {label!r} in --apps (installed: {installed})") from None
    return labels


@contextmanager
def only_apps(app_labels: set[str] | None, alias: str) -> Iterator[None]:
    """Restrict schema operations on `alias` to `app_labels` (no restriction when None)."""
    if app_labels is None:
        yield
        return
    subset_router = _OnlyApps(app_labels)
    router.routers.insert(0, subset_router)
    try:
        _check_foreign_keys_stay_inside(app_labels, alias)
        yield
    finally:
        router.routers.remove(subset_router)


def _check_foreign_keys_stay_inside(app_labels: set[str], alias: str) -> None:
    """A foreign key to a table outside the subset would reference a table the output never creates."""
    for model in apps.get_models(include_auto_created=True):
        if not router.allow_migrate_model(alias, model):
            continue
        for field in model._meta.local_fields:
            if not field.is_relation or not getattr(field, "db_constraint", False):
                continue
            target = field.remote_field.model._meta.concrete_model
            if target._meta.app_label not in app_labels:
                owner = model._meta.auto_created or model
                raise ProviderError(
                    f"--apps {' '.join(sorted(app_labels))}: {owner._meta.label}.{_field_name(model, field)} "
                    f"references {target._meta.label}, whose app {target._meta.app_label!r} is not selected "
                    f"(add it to --apps)"
                )


def _field_name(model: Any, field: Any) -> str:
    """The name a user recognises: the many-to-many field for an auto-created through table's key."""
    owner = model._meta.auto_created
    if owner:
        for m2m in owner._meta.local_many_to_many:
            if m2m.remote_field.through is model:
                return m2m.name
    return field.name
