"""MySQL and MariaDB through Django's own MySQL backend, offline.

What needs a server in Django's backend, and what stands in for it here:
- the server's version string, sql_mode and storage engine (`mysql_server_data`): from `--server-version`,
  the server's default sql_mode, and InnoDB;
- literals (`quote_value`, parameters of collected statements) are escaped by the driver on a live
  connection: they are rendered here the way mysqlclient escapes them;
- `introspection.get_storage_engine` (Django skips explicit FK indexes on InnoDB): InnoDB;
- constraints: the offline catalog (mysql_catalog.py).
Django's MySQL backend imports mysqlclient (`MySQLdb`) at import time; PyMySQL stands in when installed.
"""

from __future__ import annotations

import datetime
import decimal
import importlib.util
import uuid
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from graticule.provider.dialects.catalog import Catalog
from graticule.provider.dialects.fold import Folder
from graticule.provider.dialects.mysql_catalog import MySQLCatalog
from graticule.provider.dialects.mysql_fold import MySQLFolder
from graticule.provider.dialects.server import ServerDialect
from graticule.provider.errors import ProviderError

# The servers' default sql_mode; Django's DDL does not depend on it, its system checks read it.
_SQL_MODE = {
    "mysql": "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
    "mariadb": "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION",
}


class MySQL(ServerDialect):
    name = "mysql"
    vendor = "mysql"
    engine = "django.db.backends.mysql"
    default_server_version = "8.0.36"
    server_name = "MySQL"
    mariadb = False

    def connection_settings(self, alias_settings: dict[str, Any]) -> dict[str, Any]:
        _ensure_driver()
        return super().connection_settings(alias_settings)

    def new_catalog(self) -> Catalog:
        return MySQLCatalog(mariadb=self.mariadb, supports_index_orders=self._supports_index_orders)

    def new_folder(self, catalog: Catalog) -> Folder:
        return MySQLFolder(catalog)

    def prepare(self, connection: BaseDatabaseWrapper, server_version: tuple[int, ...] | None) -> None:
        version = (server_version or (8, 0, 36)) + (0, 0)
        version = version[:3]
        self._supports_index_orders = version >= ((10, 8) if self.mariadb else (8, 0, 1))
        super().prepare(connection, server_version)
        text = ".".join(map(str, version)) + ("-MariaDB" if self.mariadb else "")
        sql_mode = _SQL_MODE["mariadb" if self.mariadb else "mysql"]
        connection.__dict__.update(
            mysql_server_data={
                "version": text,
                "sql_mode": sql_mode,
                "default_storage_engine": "InnoDB",
                "sql_auto_is_null": False,
                "lower_case_table_names": False,
                "has_zoneinfo_database": True,
            },
            mysql_server_info=text,
            mysql_version=version,
            mysql_is_mariadb=self.mariadb,
            sql_mode=set(sql_mode.split(",")),
        )
        connection.features.__dict__["_mysql_storage_engine"] = "InnoDB"
        connection.introspection.get_storage_engine = lambda cursor, table_name: "InnoDB"
        connection.SchemaEditorClass = type(
            "OfflineMySQLSchemaEditor", (_LiteralsOffline, connection.SchemaEditorClass), {}
        )


class MariaDB(MySQL):
    name = "mariadb"
    default_server_version = "10.11"
    server_name = "MariaDB"
    mariadb = True


class _LiteralsOffline:
    """Render literals as mysqlclient would on a live connection."""

    def quote_value(self, value: Any) -> str:
        # Django's own quote_value doubles %: the result may be formatted with parameters again.
        quoted = mysql_literal(value)
        return quoted.replace("%", "%%") if isinstance(value, str) else quoted

    def execute(self, sql: Any, params: Any = ()) -> Any:
        # mysqlclient formats `sql % escaped parameters` only when parameters are given.
        if params is None:
            return super().execute(sql, None)
        return super().execute(str(sql) % tuple(mysql_literal(param) for param in params), None)


_ESCAPES = str.maketrans(
    {"\0": "\\0", "\n": "\\n", "\r": "\\r", "\\": "\\\\", "'": "\\'", '"': '\\"', "\x1a": "\\Z"}
)


def mysql_literal(value: Any) -> str:
    """A value as an SQL literal, escaped like mysqlclient's `escape` (the MySQL C API's escaping)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | decimal.Decimal):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if text in {"inf", "-inf", "nan"}:
            raise ProviderError(f"{value} cannot be written as a MySQL literal")
        return text if "e" in text else text + "e0"
    if isinstance(value, bytes | bytearray | memoryview):
        return "_binary'" + bytes(value).decode("latin-1").translate(_ESCAPES) + "'"
    if isinstance(value, datetime.datetime):
        return "'" + value.isoformat(" ") + "'"
    if isinstance(value, datetime.date | datetime.time):
        return "'" + value.isoformat() + "'"
    if isinstance(value, uuid.UUID):
        value = value.hex
    return "'" + str(value).translate(_ESCAPES) + "'"


def _ensure_driver() -> None:
    """Django's MySQL backend imports mysqlclient; PyMySQL can stand in for it."""
    if importlib.util.find_spec("MySQLdb") is not None:
        return
    if importlib.util.find_spec("pymysql") is not None:
        import pymysql

        pymysql.install_as_MySQLdb()
        return
    raise ProviderError(
        "the mysql and mariadb dialects need a MySQL driver for Django's backend to import: "
        "pip install mysqlclient (or PyMySQL)"
    )
