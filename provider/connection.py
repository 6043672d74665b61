"""The connection the provider builds with: the dialect's real backend, registered under the emulated alias.

Registering it under the alias (rather than passing a free-standing wrapper around) lets Django's own rules
apply unchanged: routers' `allow_migrate`, `managed`, proxy and swapped models, `required_db_vendor` and
`required_db_features` are all evaluated against this connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from graticule.provider.dialects import Dialect
from graticule.provider.errors import ProviderError


@contextmanager
def emulated_connection(
    dialect: Dialect, alias: str, server_version: str | None
) -> Iterator[BaseDatabaseWrapper]:
    """Yield the dialect's connection for `alias`; the alias's own connection is restored afterwards."""
    if alias not in connections.settings:
        known = ", ".join(sorted(connections.settings))
        raise ProviderError(f"unknown database alias {alias!r} (DATABASES defines: {known})")
    version = dialect.server_version(server_version)

    # Django fills every default (TEST, TIME_ZONE, OPTIONS, …) the backend expects; it insists on a
    # `default` alias being present, so the whole mapping is configured and our alias picked out.
    databases = {name: dict(conf) for name, conf in connections.settings.items()}
    databases[alias] = dialect.connection_settings(connections.settings[alias])
    settings_dict = connections.configure_settings(databases)[alias]
    try:
        backend = load_backend(settings_dict["ENGINE"])
    except Exception as exc:
        raise ProviderError(
            f"cannot load the {dialect.name} backend {settings_dict['ENGINE']!r}: {exc}"
        ) from exc
    wrapper = backend.DatabaseWrapper(settings_dict, alias)
    dialect.prepare(wrapper, version)

    previous = getattr(connections._connections, alias, None)
    connections[alias] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        if previous is None:
            del connections[alias]
        else:
            connections[alias] = previous
