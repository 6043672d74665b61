"""Microsoft SQL Server through the third-party mssql-django backend: text output, best effort.

Not covered by fidelity tests (no server, and mssql-django is not a dependency). Introspection is answered by
the PostgreSQL catalog rules, which read the named constraints Django emits correctly; SQL Server names
unnamed constraints at random (PK__t__3213E83F…), which no offline tool can reproduce.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from graticule.provider.dialects.catalog import Catalog
from graticule.provider.dialects.postgresql_catalog import PostgreSQLCatalog
from graticule.provider.dialects.server import ServerDialect
from graticule.provider.errors import ProviderError


class MSSQL(ServerDialect):
    name = "mssql"
    vendor = "microsoft"
    engine = "mssql"
    default_server_version = "16"

    def connection_settings(self, alias_settings: dict[str, Any]) -> dict[str, Any]:
        if importlib.util.find_spec("mssql") is None:
            raise ProviderError("the mssql dialect needs the mssql-django backend: pip install mssql-django")
        return super().connection_settings(alias_settings)

    def new_catalog(self) -> Catalog:
        return PostgreSQLCatalog()

    def prepare(self, connection: BaseDatabaseWrapper, server_version: tuple[int, ...] | None) -> None:
        super().prepare(connection, server_version)
        # mssql-django gates features on `sql_server_version`, the release year it maps the major version to.
        if server_version is not None:
            connection.__dict__["sql_server_version"] = {16: 2022, 15: 2019, 14: 2017, 13: 2016}.get(
                server_version[0], server_version[0]
            )
