"""The ``migrate lint`` use case: choose the files to lint, open the dev database (and ``--url`` read-only),
find where models are declared, run the linter.

Which files are new:

- ``--latest N``: the last N files of the directory; the others are the base.
- ``--git-base BRANCH``: the files of the directory that do not exist at ``git merge-base HEAD BRANCH``; the
  base is the directory as it was at that commit (file contents read from the commit), so a teammate's edit
  to an old file on the branch is linted against what the target branch really holds.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from .desired import SourceContext, load_desired
from .devdb import open_dev
from .drivers import Connection, get_driver
from .errors import GraticuleError
from .lint.data import DataProbe
from .lint.policy import LintPolicy
from .lint.positions import parse_positions
from .lint.report import LintReport
from .lint.runner import lint_files
from .migrate.directory import MigrationDir
from .urls import parse_url

Files = list[tuple[str, str]]


@dataclass
class LintOptions:
    dir_url: str
    dev_url: str
    latest: int | None = None
    git_base: str | None = None
    git_dir: str | None = None
    """The git working directory (``lint { git { dir } }``, Atlas's ``--git-dir``); default: the current
    directory."""
    url: str | None = None
    """A real database to count the rows data-dependent changes would trip on (opened read-only)."""
    src: list[str] = field(default_factory=list)
    sources: SourceContext = field(default_factory=SourceContext)
    policy: LintPolicy = field(default_factory=LintPolicy)
    warn: Callable[[str], None] | None = None
    """Receives one-line notes (e.g. the models could not be loaded for positions)."""


def migrate_lint(opts: LintOptions) -> LintReport:
    mdir = MigrationDir.open(opts.dir_url)
    mdir.validate()
    base, files = select_files(mdir, opts.latest, opts.git_base, opts.git_dir)
    sum_checked = mdir.sum_path.exists()
    if not files:
        # Nothing new (a pull request without migrations): Atlas reports nothing and succeeds.
        return LintReport(base=[name for name, _ in base], sum_checked=sum_checked)
    positions = model_positions(opts.src, opts.sources, opts.warn)
    with ExitStack() as stack:
        dev = stack.enter_context(open_dev(opts.dev_url))
        probe = None
        if opts.url:
            target = open_target(opts.url, dev.driver.name)
            stack.callback(target.close)
            probe = DataProbe(target.conn, target.schema, dev.driver.name)
        report = lint_files(dev, base, files, opts.policy, positions, probe)
    report.sum_checked = sum_checked
    return report


def select_files(
    mdir: MigrationDir, latest: int | None, git_base: str | None, git_dir: str | None
) -> tuple[Files, Files]:
    if latest is not None and git_base:
        raise GraticuleError("--latest and --git-base cannot be used together")
    if latest is None and not git_base:
        raise GraticuleError(
            "nothing to lint: pass --latest N or --git-base BRANCH (or set lint { latest = N } / "
            "lint { git { base = ... } } in the env)"
        )
    current = [(f.name, f.text) for f in mdir.files()]
    if latest is not None:
        if latest < 1:
            raise GraticuleError(f"--latest must be a positive number, got {latest}")
        split = max(len(current) - latest, 0)
        base, files = current[:split], current[split:]
    else:
        assert git_base is not None
        base = files_at_base(mdir.path, git_base, git_dir)
        at_base = {name for name, _ in base}
        files = [(name, text) for name, text in current if name not in at_base]
    return base, files


def files_at_base(directory: Path, branch: str, git_dir: str | None) -> Files:
    """The directory's ``*.sql`` files at ``git merge-base HEAD <branch>``, with their content there."""
    cwd = Path(git_dir) if git_dir else Path.cwd()
    commit = _git(cwd, "merge-base", "HEAD", branch).strip()
    top = Path(_git(cwd, "rev-parse", "--show-toplevel").strip())
    try:
        relative = directory.resolve().relative_to(top.resolve())
    except ValueError:
        raise GraticuleError(
            f"migration directory {str(directory)!r} is not inside the git repository {str(top)!r}"
        ) from None
    prefix = "" if str(relative) == "." else f"{relative.as_posix()}/"
    listed = _git(top, "ls-tree", "--name-only", f"{commit}:{prefix}" if prefix else commit)
    names = sorted((n for n in listed.splitlines() if n.endswith(".sql")), key=lambda n: n.encode("utf-8"))
    return [(name, _git(top, "show", f"{commit}:{prefix}{name}")) for name in names]


def _git(cwd: Path, *args: str) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GraticuleError("--git-base needs git, and no git executable was found") from None
    if proc.returncode != 0:
        if args[0] == "ls-tree" and "Not a valid object name" in proc.stderr:
            return ""  # the directory did not exist at the base: every file is new
        detail = (
            proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit status {proc.returncode}"
        )
        raise GraticuleError(f"git {' '.join(args)}: {detail}")
    return proc.stdout


def model_positions(
    src: list[str], sources: SourceContext, warn: Callable[[str], None] | None = None
) -> dict[str, str]:
    """Table → ``path:line`` of its model, from the desired state's ``-- atlas:pos`` lines (none without a
    ``src``). A desired state that cannot be loaded costs the positions, not the lint."""
    if not src:
        return {}
    try:
        desired = load_desired(src, sources)
    except GraticuleError as e:
        if warn is not None:
            warn(f"model positions unavailable: {e}")
        return {}
    return parse_positions("\n".join(d.sql for d in desired))


def open_target(url: str, dev_dialect: str) -> Connection:
    """The ``--url`` database, opened read-only by its driver; it must speak the dev database's dialect."""
    parsed = parse_url(url)
    driver = get_driver(parsed.dialect)
    if driver.name != dev_dialect:
        raise GraticuleError(
            f"--url is a {driver.name} database but the dev database is {dev_dialect}: they must be the same"
        )
    return driver.connect(parsed, readonly=True)
