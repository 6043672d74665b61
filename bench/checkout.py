"""The timed code's state: graticule is installed editable from a shared checkout, so edits mid-run count."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

# The folders installed as the graticule package: the code `graticule migrate diff` and the provider run.
PACKAGE_FOLDERS = ("provider", "planner", "hcl")


@dataclass(frozen=True)
class CheckoutState:
    commit: str  # `git describe --always --dirty`
    files: dict[str, str]  # every tracked or untracked (not ignored) file of the package -> content digest

    def changes_since(self, earlier: CheckoutState) -> list[str]:
        """The package files added, removed or edited since `earlier` (a commit alone changes nothing)."""
        paths = sorted(set(self.files) | set(earlier.files))
        return [p for p in paths if self.files.get(p) != earlier.files.get(p)]


def checkout_state(repo: Path) -> CheckoutState:
    listing = _git(repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard", *PACKAGE_FOLDERS)
    files = {}
    for path in sorted(set(filter(None, listing.split("\0")))):
        file = repo / path
        # A tracked file deleted from the work tree is still listed by --cached.
        files[path] = hashlib.sha256(file.read_bytes()).hexdigest() if file.is_file() else "absent"
    commit = _git(repo, "describe", "--always", "--dirty").strip() or "unknown"
    return CheckoutState(commit=commit, files=files)


def _git(repo: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""
