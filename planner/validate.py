"""``migrate validate``: is the migration directory fit to be applied?

Three checks, cheapest first, each stopping at the first problem with its file (and line):

1. the files match ``atlas.sum`` (Atlas's checksum error and wording);
2. every file's header directives are valid and its text splits into statements with the same scanner
   ``migrate apply`` uses (an unterminated string, quoted identifier or comment is reported at file:line:col);
3. with a dev database, every file is executed on it in order, statement by statement, as ``migrate apply``
   would; the first failing statement is reported as ``file:line`` with the database's own message.

Without a dev database the SQL dialect is unknown: a file passes step 2 when one of the dialects graticule
supports can read it. Whether the SQL is *valid* is only decided by a database (step 3), as in Atlas, whose
``migrate validate`` also leaves semantics to ``--dev-url``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .devdb import open_dev
from .errors import GraticuleError
from .migrate.directives import parse_directives
from .migrate.directory import MigrationDir, MigrationFile
from .migrate.split import FileStatement, split_statements
from .workflow import ProgressCallback

# Tried in this order when no database says which dialect the files are written in. SQLite's tokenizer reads
# every identifier quote (`x`, "x", [x]), so it answers for most files at once.
DIALECTS = ("sqlite", "postgres", "mysql")


@dataclass(frozen=True)
class ValidationResult:
    files: int
    statements: int
    replayed: bool
    """Whether the directory was executed on a dev database."""


def migrate_validate(
    dir_url: str, dev_url: str | None = None, progress: ProgressCallback | None = None
) -> ValidationResult:
    mdir = MigrationDir.open(dir_url, create=False)
    mdir.validate()
    files = mdir.files()
    if dev_url is None:
        statements = sum(len(_split_any_dialect(f)) for f in files)
        return ValidationResult(len(files), statements, replayed=False)
    with open_dev(dev_url) as dev:
        # Every file is read before the first statement runs: a broken file late in a long directory is
        # reported without first spending the time to replay everything before it.
        split = [(f, _split(f, dev.driver.name)) for f in files]
        for done, (migration, statements) in enumerate(split, 1):
            for stmt in statements:
                dev.execute(stmt.text, f"{migration.path}:{stmt.line}")
            if progress:
                progress(done, len(split), migration.name)
    return ValidationResult(len(files), sum(len(s) for _, s in split), replayed=True)


def _split(migration: MigrationFile, dialect: str) -> list[FileStatement]:
    text = _text(migration)
    parse_directives(text, str(migration.path))
    return split_statements(text, dialect, str(migration.path))


def _split_any_dialect(migration: MigrationFile) -> list[FileStatement]:
    first_error: GraticuleError | None = None
    for dialect in DIALECTS:
        try:
            return _split(migration, dialect)
        except GraticuleError as e:
            first_error = first_error or e
    assert first_error is not None
    raise first_error


def _text(migration: MigrationFile) -> str:
    try:
        return migration.text
    except UnicodeDecodeError as e:
        raise GraticuleError(f"{migration.path}: not UTF-8 text (byte {e.start}: {e.reason})") from None
