"""Microsoft SQL Server through the third-party mssql-django backend (text output only, untested here)."""

from __future__ import annotations

import importlib.util
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

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

    def prepare(self, connection: BaseDatabaseWrapper, server_version: tuple[int, ...] | None) -> None:
        super().prepare(connection, server_version)
        # mssql-django gates features on the major version it would query from the server.
        if server_version is not None:
            connection.__dict__["sql_server_version"] = {16: 2022, 15: 2019, 14: 2017, 13: 2016}.get(
                server_version[0], server_version[0]
            )
