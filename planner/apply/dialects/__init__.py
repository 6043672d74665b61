"""The database side of ``migrate apply/status/set``: one class per dialect, picked by the URL's dialect.

A :class:`Target` is an open, writable connection to the user's database (from the driver's ``connect``)
plus what applying needs on top of it: the apply lock, transactions, running one statement, and the
revisions table (its DDL, where it lives, reading and writing rows). Everything dialect-specific about
applying lives in this package; :mod:`graticule.planner.apply.executor` speaks only to :class:`Target`.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ...errors import GraticuleError
from ...urls import DatabaseURL
from ..revisions import CLOUD_IDENTIFIER, COLUMNS, IMMUTABLE, TABLE, Revision

LOCK_NAME = "atlas_migrate_execute"
"""Atlas's apply lock name, so that Atlas and graticule appliers exclude each other too."""


class LockedError(GraticuleError):
    """Another applier holds the lock for longer than ``--lock-timeout``."""

    def __init__(self) -> None:
        super().__init__("acquiring database lock: lock is held by other session")


class StatementError(Exception):
    """A statement failed; ``message`` is the database's own text (one line)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Target:
    """A user's database opened for applying migrations. Subclasses fill in the dialect's SQL."""

    dialect: str = ""
    driver_name: str = ""
    """Atlas's name for the client's driver (``sqlite3``, ``postgres``, ``mysql``, ``mariadb``), for JSON."""
    transactional_ddl: bool = True
    """False where DDL commits implicitly (MySQL/MariaDB): a transaction cannot undo it."""
    placeholder: str = "%s"

    def __init__(self, url: DatabaseURL, conn: Any, revisions_schema: str | None, url_schema: str) -> None:
        self.url = url
        self.conn = conn
        self.revisions_schema = revisions_schema
        """Schema of the revisions table; None on SQLite (the connected file)."""
        self.url_schema = url_schema
        """The schema the URL names (Atlas's ``URL.Schema``): ``''`` when connected to a whole database."""

    # ---- connection ----------------------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    @property
    def usable(self) -> bool:
        """False once the connection was dropped (MySQL after a Ctrl-C in the middle of a statement)."""
        return True

    def discard_if_created(self) -> None:
        """Remove the database if this run created it and wrote nothing to it (SQLite's file); after close."""

    def execute(self, sql: str) -> None:
        """Run one migration statement; a database error becomes :class:`StatementError`."""
        raise NotImplementedError

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        raise NotImplementedError

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run bookkeeping SQL (revisions, locks); a failure here is a graticule-level error."""
        raise NotImplementedError

    def begin(self) -> None:
        self.run("BEGIN")

    def commit(self) -> None:
        self.run("COMMIT")

    def rollback(self) -> None:
        self.run("ROLLBACK")

    def in_transaction(self, refresh: bool = False) -> bool:
        """Whether a transaction is still open (MySQL ends one implicitly at every DDL statement).
        ``refresh`` asks the server when the last exchange was an error (which carries no status)."""
        raise NotImplementedError

    # ---- lock ----------------------------------------------------------------------------------------

    def lock(self, timeout: float) -> None:
        """Take the apply lock, waiting up to ``timeout`` seconds; raise :class:`LockedError` after that.
        The lock is released by :meth:`unlock` or, whatever happens to the process, when its session or
        file descriptor goes away (kill -9 included)."""
        raise NotImplementedError

    def unlock(self) -> None:
        raise NotImplementedError

    # ---- revisions table -----------------------------------------------------------------------------

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    @property
    def table(self) -> str:
        if self.revisions_schema is None:
            return self.quote(TABLE)
        return f"{self.quote(self.revisions_schema)}.{self.quote(TABLE)}"

    def revisions_table_exists(self, schema: str | None = None) -> bool:
        raise NotImplementedError

    def create_revisions_table(self) -> None:
        """Create the schema (if needed) and the table exactly as Atlas creates them for this dialect."""
        raise NotImplementedError

    def first_object(self) -> str | None:
        """Why the database is not clean (Atlas's ``found table "t" in schema "s"``), ignoring the revisions
        table; None when clean."""
        raise NotImplementedError

    def legacy_revisions_table(self) -> bool:
        """Atlas's ambiguity guard: the URL names a schema, no ``--revisions-schema`` was given, that schema
        has no revisions table, yet ``atlas_schema_revisions`` (the old default location) has one."""
        return False

    def encode_time(self, value: datetime) -> Any:
        return value

    def decode_time(self, value: Any) -> datetime:
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        return parse_time_text(str(value))

    def encode_json(self, value: list[str] | None) -> Any:
        # Atlas (ent) marshals a nil list too: a completed file has the JSON text null, not SQL NULL.
        return json.dumps(value)

    def upsert_sql(self) -> str:
        raise NotImplementedError

    # ---- revisions rows ------------------------------------------------------------------------------

    def read_revisions(self) -> list[Revision]:
        """Every revision, ordered by version (byte-wise, as Atlas compares versions)."""
        cols = ", ".join(self.quote(c) for c in COLUMNS)
        rows = self.query(f"SELECT {cols} FROM {self.table}")
        revisions = [self._revision(row) for row in rows if row[0] != CLOUD_IDENTIFIER]
        return sorted(revisions, key=lambda r: r.version.encode("utf-8"))

    def write_revision(self, rev: Revision) -> None:
        values = (
            rev.version,
            rev.description,
            rev.type,
            rev.applied,
            rev.total,
            self.encode_time(rev.executed_at),
            rev.execution_time,
            rev.error,
            rev.error_stmt,
            rev.hash,
            self.encode_json(rev.partial_hashes),
            rev.operator_version,
        )
        self.run(self.upsert_sql(), values)

    def delete_revision(self, version: str) -> None:
        ph = self.placeholder
        self.run(f"DELETE FROM {self.table} WHERE {self.quote('version')} = {ph}", (version,))

    def _revision(self, row: tuple) -> Revision:
        (version, description, kind, applied, total, executed_at, execution_time, error, error_stmt, hash_,
         partial, operator) = row  # fmt: skip
        return Revision(
            version=version,
            description=description or "",
            type=int(kind or 0),
            applied=int(applied or 0),
            total=int(total or 0),
            executed_at=self.decode_time(executed_at),
            execution_time=int(execution_time or 0),
            error=error or "",
            error_stmt=error_stmt or "",
            hash=hash_ or "",
            partial_hashes=decode_json_list(partial),
            operator_version=operator or "",
        )

    def _update_columns(self) -> list[str]:
        return [c for c in COLUMNS if c not in IMMUTABLE]


def decode_json_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray):
        value = value.decode("utf-8")
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else None
    if value is None:
        return None
    return [str(v) for v in value]


# Go's time formats as Atlas's SQLite driver (mattn/go-sqlite3) writes and reads them.
def format_time_text(value: datetime) -> str:
    """``2006-01-02 15:04:05.999999999-07:00`` (go-sqlite3's first format) in UTC."""
    moment = value.astimezone(UTC)
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "+00:00"


def parse_time_text(text: str) -> datetime:
    """Any of go-sqlite3's timestamp spellings (``T`` or space, optional fraction and zone, ``Z``)."""
    value = text.strip().replace("T", " ").replace("Z", "+00:00")
    date, _, rest = value.partition(" ")
    zone = ""
    for sign in ("+", "-"):
        if sign in rest:
            rest, sep, tail = rest.partition(sign)
            zone = sep + tail
            break
    clock, _, frac = rest.partition(".")
    frac = (frac + "000000")[:6] if frac else "000000"
    try:
        moment = datetime.fromisoformat(f"{date} {clock or '00:00:00'}.{frac}{zone}")
    except ValueError as e:
        raise GraticuleError(f"revisions table: cannot read timestamp {text!r}") from e
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# Dialect name (as parse_url gives it) → module of this package defining TARGET_CLASS.
_MODULES = {"sqlite": "sqlite", "postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}


def open_target(url: DatabaseURL, revisions_schema: str | None = None, *, create: bool = True) -> Target:
    """Open the database a URL names for applying; ``revisions_schema`` is the ``--revisions-schema`` flag.

    ``create`` lets SQLite create a missing database file (Atlas's commands do); ``apply --dry-run`` passes
    False, so a dry run writes nothing at all.
    """
    try:
        module = importlib.import_module(f"{__name__}.{_MODULES[url.dialect]}")
    except KeyError:
        raise GraticuleError(
            f"migrate apply does not support {url.dialect!r} URLs ({url.redacted})"
        ) from None
    return module.open_target(url, revisions_schema, create=create)
