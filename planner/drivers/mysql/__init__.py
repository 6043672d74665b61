"""The MySQL and MariaDB driver: dev databases, inspection, normalisation and planning.

One driver serves both flavours. The inspector asks the server which one it is (``VERSION()``) and reads each
flavour's catalog spellings into one model form (:mod:`.values`); the normaliser's rules and the planner's SQL
hold for both, so neither needs to know which server a schema came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...changes import Change
from ...plan import Statement
from ...schema import Schema
from ...urls import DatabaseURL
from .normalize import MySQLNormalizer

if TYPE_CHECKING:
    from .devdb import MySQLDevDatabase
    from .target import MySQLTarget

# PyMySQL (and the modules that use it) load on the first connection, not with the package: the lint
# analyzers read this package's tables, and a SQLite run should not pay for a MySQL client.


class MySQLDriver:
    name = "mysql"
    lazy_fk_targets = False
    """MySQL checks that a foreign key's target table exists when the key is created (unless
    FOREIGN_KEY_CHECKS is off), so tables in a cycle are created first and their keys added afterwards."""

    def __init__(self) -> None:
        self.normalizer = MySQLNormalizer()

    def inspect(self, conn: Any, schema: str | None = None) -> Schema:
        """Inspect database ``schema`` (default: the connection's current database)."""
        from .inspect import inspect_schema

        return inspect_schema(conn, schema or _current_database(conn))

    def plan(self, changes: list[Change]) -> list[Statement]:
        from .plan import plan_changes

        return plan_changes(changes)

    def open_dev(self, url: DatabaseURL) -> MySQLDevDatabase:
        from .devdb import open_dev_database

        return open_dev_database(url)

    def connect(self, url: DatabaseURL, *, readonly: bool = True) -> MySQLTarget:
        from .target import connect_target

        return connect_target(url, readonly=readonly)

    def check_clean(self, conn: Any, schema: str | None = None) -> None:
        from .inspect import check_clean

        check_clean(conn, schema or _current_database(conn))


def _current_database(conn: Any) -> str:
    with conn.cursor() as cur:
        cur.execute("SELECT DATABASE()")
        row = cur.fetchone()
    if not row or not row[0]:
        from ...errors import GraticuleError

        raise GraticuleError("mysql: no database selected; name one in the URL (mysql://host/db)")
    return row[0]


DRIVER = MySQLDriver()
