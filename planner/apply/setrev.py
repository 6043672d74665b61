"""``migrate set [VERSION]``: make the revisions table say the database is at VERSION (Atlas's semantics).

Used after changing a database by hand. Under the apply lock and in one transaction:

- rows with a version above VERSION are deleted;
- the row of VERSION, if it recorded an error or is partially applied, becomes type 6 (applied + manually
  set). graticule also sets its ``applied`` to its ``total`` (Atlas leaves it), so that both tools read the
  row as complete and neither re-runs the failed statement;
- every file after the last remaining row up to VERSION gets a type-4 row (manually set; no statements run;
  ``hash`` is the file's ``atlas.sum`` entry).

Without VERSION, the latest file's version is used; on a database with no revisions that is refused
(``accepts 1 arg(s), received 0``), and with an empty directory every row is deleted. VERSION must name a file
of the directory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GraticuleError
from ..migrate.checksum import HashFile
from ..migrate.checksum import validate as validate_sum
from ..migrate.directory import MigrationDir
from ..urls import parse_url
from .dialects import open_target
from .executor import prepare_revisions_table
from .revisions import TYPE_EXECUTE, TYPE_RESOLVED, Revision, operator_version

SET_LOCK_TIMEOUT = 0.0
"""Atlas does not wait: ``set`` while an apply runs fails at once."""


@dataclass
class SetResult:
    changes: list[tuple[str, Revision]] = field(default_factory=list)
    """``("set" | "remove", revision)`` in the order they were made."""
    current: Revision | None = None


def migrate_set(
    url: str,
    dir_url: str,
    versions: tuple[str, ...],
    revisions_schema: str | None = None,
    base_dir: Path | None = None,
) -> SetResult:
    if len(versions) > 1:
        raise GraticuleError(f"accepts 1 arg(s), received {len(versions)}")
    directory = MigrationDir.open(dir_url, base=base_dir)
    files = directory.files()
    validate_sum([(f.name, f.content) for f in files], directory.read_sum())
    # `set` records how a database was changed by hand: a missing SQLite file is a mistyped path, not a new
    # database to create (only `migrate apply` creates one).
    target = open_target(parse_url(url), revisions_schema or None, create=False)
    try:
        target.lock(SET_LOCK_TIMEOUT)
        try:
            prepare_revisions_table(target, revisions_schema, create=True)
            target.begin()
            try:
                result = _set(target, files, versions, directory)
            except BaseException:
                target.rollback()
                raise
            target.commit()
            return result
        finally:
            target.unlock()
    finally:
        target.close()


def _set(target, files, versions, directory: MigrationDir) -> SetResult:
    revisions = target.read_revisions()
    if versions:
        version = versions[0]
        if not any(f.version == version for f in files):
            raise GraticuleError(f'migration with version "{version}" not found')
    elif revisions:
        version = files[-1].version if files else ""
    else:
        raise GraticuleError("accepts 1 arg(s), received 0")
    result = SetResult()
    operator = operator_version()
    for rev in revisions:
        if rev.version > version:
            target.delete_revision(rev.version)
            result.changes.append(("remove", rev))
        elif rev.version == version and (rev.error or rev.total != rev.applied):
            rev.type = TYPE_EXECUTE | TYPE_RESOLVED
            rev.applied = rev.total
            rev.partial_hashes = None
            rev.operator_version = operator
            target.write_revision(rev)
            result.changes.append(("set", rev))
    remaining = target.read_revisions()
    last = remaining[-1].version if remaining else None
    # The hashes of the files validated above (``content`` is read once), not of the files as they are now.
    sums = HashFile.compute((f.name, f.content) for f in files)
    hashes = {entry.name: entry.hash for entry in sums.entries}
    for f in files:
        if f.version > version:
            break
        if last is not None and (version <= last or f.version <= last):
            continue
        rev = Revision(
            version=f.version,
            description=f.description,
            type=TYPE_RESOLVED,
            hash=hashes.get(f.name, ""),
            operator_version=operator,
        )
        target.write_revision(rev)
        result.changes.append(("set", rev))
    remaining = target.read_revisions()
    result.current = remaining[-1] if remaining else None
    return result
