"""Database URLs as Atlas spells them, and their redaction for anything we print."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit, urlunsplit

from .errors import GraticuleError

# URL scheme → driver dialect. Aliases follow Atlas (`maria://` is MariaDB).
SCHEME_DIALECTS = {
    "sqlite": "sqlite",
    "sqlite3": "sqlite",
    "postgres": "postgresql",
    "postgresql": "postgresql",
    "mysql": "mysql",
    "mariadb": "mariadb",
    "maria": "mariadb",
    "docker": "docker",
}


@dataclass(frozen=True)
class DatabaseURL:
    raw: str
    scheme: str
    dialect: str
    host: str = ""
    port: int | None = None
    user: str = ""
    password: str = ""
    path: str = ""
    """Database name for servers; the file path (or ``dev`` for memory) for SQLite."""
    query: dict[str, str] = field(default_factory=dict)

    @property
    def redacted(self) -> str:
        return redact(self.raw)


def parse_url(raw: str) -> DatabaseURL:
    """Parse a database URL; a malformed or unknown one is a user error naming it (password redacted)."""
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if not scheme or "://" not in raw:
        raise GraticuleError(f"invalid database URL {redact(raw)!r}: expected <driver>://…")
    dialect = SCHEME_DIALECTS.get(scheme)
    if dialect is None:
        known = ", ".join(sorted(SCHEME_DIALECTS))
        raise GraticuleError(
            f"unsupported database URL scheme {scheme!r} in {redact(raw)!r} (known: {known})"
        )
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    if dialect == "sqlite":
        # sqlite://path/to/file.db keeps the "host" as the first path segment, as Atlas reads it.
        path = (parts.netloc + parts.path) if parts.netloc else parts.path
        return DatabaseURL(raw=raw, scheme=scheme, dialect=dialect, path=path, query=query)
    try:
        port = parts.port
    except ValueError as e:
        raise GraticuleError(f"invalid port in database URL {redact(raw)!r}") from e
    return DatabaseURL(
        raw=raw,
        scheme=scheme,
        dialect=dialect,
        host=parts.hostname or "",
        port=port,
        user=parts.username or "",
        password=parts.password or "",
        path=parts.path.lstrip("/"),
        query=query,
    )


def redact(raw: str) -> str:
    """The URL with any password replaced by ``xxxxx`` (safe to print)."""
    try:
        parts = urlsplit(raw)
        if parts.password is None:
            return raw
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        netloc = f"{parts.username}:xxxxx@{host}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    except ValueError:
        return "<unparseable URL>"
