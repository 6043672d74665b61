"""A migration directory on disk: Atlas's file naming, ordering, and its ``atlas.sum``.

The files of a directory are its top-level ``*.sql`` files sorted byte-wise by name (Atlas sorts Go strings,
which compare as bytes). A file is named ``<version>[_<description>].sql``; the version is the text before the
first ``_`` and, for files graticule writes, a UTC timestamp ``YYYYMMDDHHMMSS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..errors import GraticuleError
from .checksum import SUM_FILE, HashFile, validate

VERSION_FORMAT = "%Y%m%d%H%M%S"
SUPPORTED_FORMATS = ("", "atlas")


@dataclass(frozen=True)
class MigrationFile:
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def version(self) -> str:
        return self.path.name.removesuffix(".sql").split("_", 1)[0]

    @property
    def description(self) -> str:
        _, _, rest = self.path.name.partition("_")
        return rest.removesuffix(".sql")

    @cached_property
    def content(self) -> bytes:
        return self.path.read_bytes()

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")


def dir_path(url: str, base: Path | None = None) -> Path:
    """The local path a ``--dir`` value names: ``file://rel/path``, ``file:///abs/path`` or a bare path.

    A ``format`` query other than ``atlas`` is refused rather than silently writing files another tool
    (golang-migrate, flyway, ...) could not read.
    """
    if "://" in url:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise GraticuleError(f"unsupported migration directory URL {url!r}: expected file://<path>")
        fmt = parse_qs(parts.query).get("format", [""])[0]
        if fmt not in SUPPORTED_FORMATS:
            raise GraticuleError(f"migration directory format {fmt!r} is not supported (only atlas)")
        # file://migrations puts the relative path in the netloc; file:///abs has an empty netloc.
        path = Path(parts.netloc + parts.path)
    else:
        path = Path(url)
    if base is not None and not path.is_absolute():
        path = base / path
    return path


class MigrationDir:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def open(cls, url: str, *, create: bool = False, base: Path | None = None) -> MigrationDir:
        """Open the directory a URL names; with ``create``, a missing directory is made (as ``diff`` does)."""
        path = dir_path(url, base)
        if not path.exists():
            if not create:
                raise GraticuleError(f"migration directory {str(path)!r} does not exist")
            path.mkdir(parents=True)
        elif not path.is_dir():
            raise GraticuleError(f"migration directory {str(path)!r} is not a directory")
        return cls(path)

    @property
    def sum_path(self) -> Path:
        return self.path / SUM_FILE

    def files(self) -> list[MigrationFile]:
        names = [p.name for p in self.path.glob("*.sql") if p.is_file()]
        return [MigrationFile(self.path / n) for n in sorted(names, key=lambda n: n.encode("utf-8"))]

    def checksum(self) -> HashFile:
        """The ``atlas.sum`` the directory's current files call for."""
        return HashFile.compute((f.name, f.content) for f in self.files())

    def read_sum(self) -> str | None:
        try:
            return self.sum_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def validate(self) -> None:
        """Raise ``ChecksumError`` unless the files match ``atlas.sum`` (no sum is fine for an empty dir)."""
        validate([(f.name, f.content) for f in self.files()], self.read_sum())

    def write_sum(self) -> Path:
        """Rewrite ``atlas.sum`` from the files (``migrate hash``)."""
        self.sum_path.write_text(self.checksum().text(), encoding="utf-8", newline="")
        return self.sum_path

    def next_version(self, now: datetime | None = None) -> str:
        """A version for a new file: the UTC time now, moved past any version already in the directory.

        Two runs within one second, or a teammate's file stamped slightly in the future, would otherwise give
        a duplicate version (a revisions-table clash) or a file that sorts *before* the migrations it was
        planned on top of.
        """
        moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0, tzinfo=None)
        taken = {f.version for f in self.files()}
        latest = max(map(_parse_version, taken), default=None, key=_none_first)
        if latest is not None and moment <= latest:
            moment = latest + timedelta(seconds=1)
        while moment.strftime(VERSION_FORMAT) in taken:
            moment += timedelta(seconds=1)
        return moment.strftime(VERSION_FORMAT)

    def write_migration(self, content: str, name: str = "", *, now: datetime | None = None) -> Path:
        """Write ``<version>[_<name>].sql``; the caller rewrites ``atlas.sum`` afterwards."""
        path = self.path / self.new_file_name(name, now)
        path.write_text(content, encoding="utf-8", newline="")
        return path

    def new_file_name(self, name: str = "", now: datetime | None = None) -> str:
        """The name the next file written at ``now`` gets: ``<version>[_<name>].sql``."""
        if "/" in name or "\\" in name:
            raise GraticuleError(f"invalid migration name {name!r}: it must not contain a path separator")
        version = self.next_version(now)
        return f"{version}_{name}.sql" if name else f"{version}.sql"


def _parse_version(version: str) -> datetime | None:
    if len(version) != 14 or not version.isdigit():
        return None
    try:
        return datetime.strptime(version, VERSION_FORMAT)
    except ValueError:
        return None


def _none_first(value: datetime | None) -> datetime:
    return value or datetime.min
