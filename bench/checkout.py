"""The shared checkout's state: graticule is installed editable, so edits mid-run change the timed code."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CheckoutState:
    commit: str  # `git describe --always --dirty`
    head: str
    uncommitted: dict[str, str]  # path of each modified or untracked file -> digest of its content

    def changes_since(self, earlier: CheckoutState) -> list[str]:
        """Human-readable differences from `earlier`: a moved HEAD, then each file that changed."""
        changes = []
        if self.head != earlier.head:
            changes.append(f"HEAD moved from {earlier.head[:10]} to {self.head[:10]}")
        paths = sorted(set(self.uncommitted) | set(earlier.uncommitted))
        changes += [p for p in paths if self.uncommitted.get(p) != earlier.uncommitted.get(p)]
        return changes


def checkout_state(repo: Path) -> CheckoutState:
    status = _git(repo, "status", "--porcelain", "--untracked-files=all", "-z")
    uncommitted = {}
    entries = iter(status.split("\0"))
    for entry in entries:
        if not entry:
            continue
        code, path = entry[:2], entry[3:]
        if "R" in code or "C" in code:
            next(entries, None)  # with -z a rename or copy is followed by its source path
        file = repo / path
        uncommitted[path] = hashlib.sha256(file.read_bytes()).hexdigest() if file.is_file() else "absent"
    return CheckoutState(
        commit=_git(repo, "describe", "--always", "--dirty").strip() or "unknown",
        head=_git(repo, "rev-parse", "HEAD").strip(),
        uncommitted=uncommitted,
    )


def _git(repo: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""
