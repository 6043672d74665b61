"""``atlas.sum``: the integrity file of a migration directory, byte for byte as Atlas writes it.

One running SHA-256 is fed, for each file in directory order, the file's name and then its content; each
file's entry is the digest *at that point*, so editing one file changes its line and every later line. The
first line hashes all entries, so editing ``atlas.sum`` by hand is detected too. A file whose first line
carries ``atlas:sum ignore`` still feeds its name (so renaming it is noticed) but neither its content nor a
line.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import ChecksumError
from .directives import is_sum_ignored

SUM_FILE = "atlas.sum"
HASH_PREFIX = "h1:"

NOT_FOUND = "checksum file not found"
MISMATCH = "checksum mismatch"
FORMAT_INVALID = "checksum file format invalid"


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class SumEntry:
    name: str
    hash: str
    """base64 of the running digest after this file, without the ``h1:`` prefix."""


@dataclass
class HashFile:
    """The parsed or computed content of ``atlas.sum``."""

    entries: list[SumEntry] = field(default_factory=list)

    @classmethod
    def compute(cls, files: Iterable[tuple[str, bytes]]) -> HashFile:
        """Hash ``(name, content)`` pairs, already in directory order."""
        running = hashlib.sha256()
        entries = []
        for name, content in files:
            running.update(name.encode("utf-8"))
            if is_sum_ignored(content.partition(b"\n")[0].decode("utf-8", errors="replace")):
                continue
            running.update(content)
            # .copy(): the entry is the digest so far, and the running hash must keep accumulating.
            entries.append(SumEntry(name, _b64(running.copy().digest())))
        return cls(entries)

    @classmethod
    def parse(cls, text: str) -> HashFile:
        """Read ``atlas.sum`` text; its first line must match its entries, as Atlas requires on load."""
        lines = text.splitlines()
        total = lines[0].removeprefix(HASH_PREFIX) if lines else ""
        entries = []
        for line in lines[1:]:
            name, sep, digest = line.partition(HASH_PREFIX)
            if not sep:
                raise ChecksumError(FORMAT_INVALID)
            entries.append(SumEntry(name.strip(), digest))
        parsed = cls(entries)
        if total != parsed.sum:
            raise ChecksumError(MISMATCH)
        return parsed

    @property
    def sum(self) -> str:
        """The directory hash of the first line (without ``h1:``)."""
        total = hashlib.sha256()
        for entry in self.entries:
            total.update(entry.name.encode("utf-8"))
            total.update(entry.hash.encode("ascii"))
        return _b64(total.digest())

    def text(self) -> str:
        lines = [f"{HASH_PREFIX}{self.sum}\n"]
        lines += [f"{e.name} {HASH_PREFIX}{e.hash}\n" for e in self.entries]
        return "".join(lines)


def compare(recorded: HashFile, actual: HashFile) -> None:
    """Raise ``ChecksumError`` locating the first file where ``actual`` departs from ``recorded``.

    The reason follows Atlas: a recorded file that is gone was *removed*; one still in its place was *edited*;
    one that moved down had a file *added* before it. Lines count from 1 with the total hash on line 1.
    """
    if recorded.sum == actual.sum:
        return
    for i, entry in enumerate(recorded.entries):
        if i < len(actual.entries) and actual.entries[i] == entry:
            continue
        names = [e.name for e in actual.entries]
        if entry.name not in names:
            raise ChecksumError(MISMATCH, line=i + 2, file=entry.name, reason="removed")
        if names.index(entry.name) == i:
            raise ChecksumError(MISMATCH, line=i + 2, file=entry.name, reason="edited")
        raise ChecksumError(MISMATCH, line=i + 2, file=actual.entries[i].name, reason="added")
    # Every recorded entry is intact, so the difference is a file appended after them.
    line = len(recorded.entries) + 2
    raise ChecksumError(MISMATCH, line=line, file=actual.entries[len(recorded.entries)].name, reason="added")


def validate(files: list[tuple[str, bytes]], sum_text: str | None) -> None:
    """Check a directory's files against its ``atlas.sum`` text (None when the file is absent).

    A directory without migrations needs no sum file; one with migrations must have it.
    """
    if sum_text is None:
        if files:
            raise ChecksumError(NOT_FOUND)
        return
    compare(HashFile.parse(sum_text), HashFile.compute(files))
