"""The planner alone: `graticule migrate diff` with the desired SQL given, against `makemigrations --dry-run`.

    python bench/planner_alone.py [--sizes 50,200,500] [--repeats 5] [--seed 0] [--baseline REV]
                                  [--baseline-python PYTHON] [--out DIR] [--doc FILE]

For each size, generates a project (bench/generate.py), writes its desired SQL once with the provider
(untimed), then times three situations of
`graticule migrate diff --to file://desired.sql --dev-url sqlite://dev?mode=memory --dir file://<dir>`:

- first: an empty migration directory (the whole schema is planned, then verified);
- no change: the directory holding that first file (replayed, nothing to write);
- one field: the same directory, with one nullable column added to one table of the desired SQL.

`python manage.py makemigrations --dry-run` runs on the same project (empty migration packages), in the same
loop. With --baseline, the planner of another revision (its planner/, hcl/ and provider/ folders, taken with
`git archive`) is timed in the same loop too, so before/after figures come from one run; --baseline-python
runs it with another interpreter (a virtual environment with other dependencies, such as sqlglot without
sqlglotc, whose compiled classes an older planner may not work with). Children run with
bytecode caching on (as installed software does), whatever PYTHONDONTWRITEBYTECODE says. Writes the table to
the `## Planner alone (desired SQL given)` section of --doc.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import django
from benchmarks_doc import replace_section
from checkout import checkout_state
from generate import generate_project
from measure import Measurement, run_measured

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SECTION_HEADING = "## Planner alone (desired SQL given)"
SITUATIONS = ("first", "no change", "one field")
DEV_URL = "sqlite://dev?mode=memory"
SYNCED = "The migration directory is synced with the desired state"
# The change of the "one field" situation: what Django writes for CharField(max_length=20, null=True).
ADDED_COLUMN = '"bench_note" varchar(20) NULL'


class ToolFailed(Exception):
    pass


@dataclass
class Timings:
    seconds: dict[str, list[float]] = field(default_factory=dict)

    def add(self, key: str, measured: Measurement) -> None:
        self.seconds.setdefault(key, []).append(measured.seconds)

    def median(self, key: str) -> float | None:
        values = self.seconds.get(key)
        return statistics.median(values) if values else None

    def minimum(self, key: str) -> float | None:
        values = self.seconds.get(key)
        return min(values) if values else None


@dataclass
class SizeRun:
    models: int
    tables: int
    timings: Timings
    errors: list[str]
    sqlite_seconds: float
    """SQLite alone executing the desired SQL once, in memory (median): the floor under every situation."""


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    at_start = checkout_state(REPO)
    env = _child_env()
    graticule = shutil.which("graticule", path=str(VENV_BIN)) or sys.exit("Error: graticule is not installed")
    versions: dict[str, tuple[list[str], Path | None]] = {"current": ([graticule], None)}
    with tempfile.TemporaryDirectory(prefix="graticule-baseline-") as baseline_dir:
        if args.baseline:
            code = _extract(args.baseline, Path(baseline_dir))
            launcher = [graticule]
            if args.baseline_python:
                # What the console script does, under the other interpreter (which need not have graticule
                # installed: the baseline comes first on PYTHONPATH).
                launcher = [
                    args.baseline_python,
                    "-c",
                    "import sys; from graticule.planner.cli import main; sys.exit(main())",
                ]
            versions = {"baseline": (launcher, code), **versions}
        runs = []
        for size in args.sizes:
            project = args.out / f"planner-n{size}"
            if project.exists():
                shutil.rmtree(project)
            plan = generate_project(project, size, seed=args.seed)
            print(f"== N={size}: {len(plan.apps)} apps in {project}", flush=True)
            runs.append(_bench_size(size, project, env, versions, args.repeats))
    section = render_section(runs, args, argv if argv is not None else sys.argv[1:], at_start)
    existing = args.doc.read_text(encoding="utf-8") if args.doc.exists() else ""
    args.doc.write_text(replace_section(existing, SECTION_HEADING, section), encoding="utf-8")
    print(f"\n{section}\nwritten to {args.doc}")
    return 1 if any(r.errors for r in runs) else 0


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda t: [int(p) for p in t.split(",") if p], default=[50, 200, 500])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per command (median reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", help="a git revision whose planner is timed alongside (before/after)")
    parser.add_argument("--baseline-python", help="the Python interpreter that runs the baseline's planner")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    if args.repeats < 1 or not args.sizes or min(args.sizes) < 1:
        parser.error("--repeats and --sizes must be positive")
    if args.baseline_python and not args.baseline:
        parser.error("--baseline-python needs --baseline")
    return args


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    # A machine-wide PYTHONDONTWRITEBYTECODE would make every run compile every module from source, which no
    # installed tool does; the untimed warm-up writes the bytecode that the timed runs then load.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPATH", None)
    return env


def _extract(revision: str, into: Path) -> Path:
    """The package folders of ``revision``, laid out as the ``graticule`` package (for PYTHONPATH)."""
    archive = subprocess.run(
        ["git", "archive", "--prefix=graticule/", revision, "planner", "hcl", "provider"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def desired_with_added_column(desired: str) -> str:
    """The desired SQL with ADDED_COLUMN as the second column of the first table of a generated app.

    Second, not last: table constraints follow the columns. Column order is not part of the diff (SQLite can
    only add a column at the end), so the planned change is one ADD COLUMN either way.
    """
    start = next(
        i
        for i in _find_all(desired, 'CREATE TABLE "')
        if not desired.startswith(('CREATE TABLE "auth_', 'CREATE TABLE "django_'), i)
    )
    depth, quote = 0, ""
    for at in range(desired.index("(", start), len(desired)):
        char = desired[at]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 1:
            return f"{desired[: at + 1]} {ADDED_COLUMN},{desired[at + 1 :]}"
    raise ValueError("no table with two columns in the desired SQL")


def _find_all(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def _bench_size(
    size: int,
    project: Path,
    env: dict[str, str],
    versions: dict[str, tuple[list[str], Path | None]],
    repeats: int,
) -> SizeRun:
    provider = subprocess.run(
        [sys.executable, "manage.py", "graticule-schema", "--dialect", "sqlite"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    desired = provider.stdout
    (project / "desired.sql").write_text(desired, encoding="utf-8")
    (project / "desired_changed.sql").write_text(desired_with_added_column(desired), encoding="utf-8")
    tables = desired.count("CREATE TABLE ")
    sqlite_seconds = statistics.median(_sqlite_executes(desired) for _ in range(repeats))
    commands: dict[str, Callable[[], Measurement]] = {"makemigrations": lambda: _makemigrations(project, env)}
    for version, (launcher, code) in versions.items():
        version_env = dict(env, PYTHONPATH=str(code)) if code else env
        for situation in SITUATIONS:
            commands[f"{version}/{situation}"] = _situation(
                project, launcher, version_env, version, situation
            )
    timings, errors = Timings(), []
    # Repeat 0 is an untimed warm-up: it writes bytecode and checks every command does its job.
    for repeat in range(repeats + 1):
        names = list(commands) if repeat % 2 == 0 else list(reversed(commands))
        for name in names:
            try:
                measured = commands[name]()
            except ToolFailed as e:
                errors.append(f"{name}: {e}")
                del commands[name]
                continue
            if repeat:
                timings.add(name, measured)
        if repeat:
            print(f"   run {repeat}/{repeats} done", flush=True)
    return SizeRun(models=size, tables=tables, timings=timings, errors=errors, sqlite_seconds=sqlite_seconds)


def _sqlite_executes(sql: str) -> float:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = on")
    start = time.perf_counter()
    conn.executescript(sql)
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def _situation(
    project: Path, launcher: list[str], env: dict[str, str], version: str, situation: str
) -> Callable[[], Measurement]:
    base = project / f"migrations-{version}"
    first_dir = base / "first"

    def run() -> Measurement:
        work = base / "work"
        shutil.rmtree(work, ignore_errors=True)
        if situation == "first":
            work.mkdir(parents=True)
        else:
            if not first_dir.exists():
                _prepare_first(project, launcher, env, first_dir)
            shutil.copytree(first_dir, work)
        to = "desired_changed.sql" if situation == "one field" else "desired.sql"
        argv = [
            *launcher,
            "migrate",
            "diff",
            "--to",
            f"file://{to}",
            "--dev-url",
            DEV_URL,
            "--dir",
            f"file://{work}",
        ]
        measured = run_measured(argv, project, env)
        _check(measured, situation, work)
        return measured

    return run


def _prepare_first(project: Path, launcher: list[str], env: dict[str, str], into: Path) -> None:
    into.mkdir(parents=True)
    argv = [
        *launcher,
        "migrate",
        "diff",
        "--to",
        "file://desired.sql",
        "--dev-url",
        DEV_URL,
        "--dir",
        f"file://{into}",
    ]
    _check(run_measured(argv, project, env), "first", into)


def _check(measured: Measurement, situation: str, directory: Path) -> None:
    if measured.returncode != 0:
        tail = (measured.stderr.strip() or measured.stdout.strip()).splitlines()[-10:]
        raise ToolFailed(f"exit status {measured.returncode}:\n" + "\n".join(tail))
    files = sorted(directory.glob("*.sql"))
    if situation == "no change":
        if SYNCED not in measured.stdout or len(files) != 1:
            raise ToolFailed(f"expected no new file and the synced message, got {[f.name for f in files]}")
        return
    expected = 1 if situation == "first" else 2
    if len(files) != expected or not (directory / "atlas.sum").exists():
        raise ToolFailed(f"expected {expected} .sql file(s) and atlas.sum, got {[f.name for f in files]}")
    if situation == "one field" and "bench_note" not in files[-1].read_text(encoding="utf-8"):
        raise ToolFailed(f"{files[-1].name} does not add the bench_note column")


def _makemigrations(project: Path, env: dict[str, str]) -> Measurement:
    measured = run_measured([sys.executable, "manage.py", "makemigrations", "--dry-run"], project, env)
    if measured.returncode != 0 or "+ Create model " not in measured.stdout:
        raise ToolFailed(f"makemigrations --dry-run failed (exit status {measured.returncode})")
    return measured


def render_section(runs: list[SizeRun], args: argparse.Namespace, argv: list[str], at_start) -> str:
    baseline = args.baseline
    head = "| N models | tables | situation |"
    rule = "|---:|---:|---|"
    if baseline:
        head += " before s | after s | after / before |"
        rule += "---:|---:|---:|"
    else:
        head += " graticule s |"
        rule += "---:|"
    head += " makemigrations --dry-run s | graticule / makemigrations |"
    rule += "---:|---:|"
    lines = [
        SECTION_HEADING,
        "",
        "`graticule migrate diff --to file://desired.sql --dev-url sqlite://dev?mode=memory "
        "--dir file://<dir>`: the planner's whole path (desired SQL executed on the dev database and "
        "inspected, directory replayed and inspected, diff, plan, plan verified on the dev database and "
        "inspected again, file and atlas.sum written), without the provider. Median seconds (min in "
        "parentheses).",
        "",
        head,
        rule,
    ]
    for run in runs:
        mm = run.timings.median("makemigrations")
        for situation in SITUATIONS:
            after = run.timings.median(f"current/{situation}")
            row = f"| {run.models} | {run.tables} | {situation} |"
            if baseline:
                before = run.timings.median(f"baseline/{situation}")
                row += f" {_cell(run.timings, f'baseline/{situation}')} |"
                row += f" {_cell(run.timings, f'current/{situation}')} | {_ratio(after, before)} |"
            else:
                row += f" {_cell(run.timings, f'current/{situation}')} |"
            row += f" {_cell(run.timings, 'makemigrations')} | {_ratio(after, mm)} |"
            lines.append(row)
    floors = ", ".join(f"{run.models} models {run.sqlite_seconds:.2f} s" for run in runs)
    lines += [
        "",
        f"SQLite alone, executing desired.sql once in memory: {floors}. Its cost per CREATE grows with the "
        "schema (each one re-reads the schema table), and every situation executes a whole schema twice: the "
        "desired state, then the plan in verification (first) or the migration directory (no change, one "
        "field).",
    ]
    failures = [(run.models, e) for run in runs for e in run.errors]
    if failures:
        lines += ["", "Failures:", ""]
        lines += [f"- N = {models}: `{error.splitlines()[0]}`" for models, error in failures]
    changed = checkout_state(REPO).changes_since(at_start)
    lines += [
        "",
        "How it was measured:",
        "",
        f"- Projects from `bench/generate.py` (seed {args.seed}); their desired SQL written once by the "
        'provider (`python manage.py graticule-schema --dialect sqlite`, untimed). "one field" adds '
        f"`{ADDED_COLUMN}` to one table of it (a `CharField(max_length=20, null=True)`).",
        "- first: empty migration directory; no change: the directory holding the first file; one field: "
        "that directory with the changed desired SQL (one ALTER TABLE ... ADD COLUMN written). Directories "
        "are restored before every run.",
        "- makemigrations: `python manage.py makemigrations --dry-run` on the same project (empty migration "
        "packages), timed in the same loop.",
    ]
    if baseline:
        lines.append(
            f"- before: the planner/, hcl/ and provider/ folders of `{baseline}` (via `git archive`, first "
            "on PYTHONPATH); after: the checkout. Both timed in the same loop."
        )
    build = _sqlglot_build(sys.executable)
    if args.baseline_python:
        before = _sqlglot_build(args.baseline_python)
        lines.append(f"- sqlglot: {build} after; {before} before (`--baseline-python`).")
    else:
        lines.append(f"- sqlglot: {build}.")
    lines += [
        f"- {args.repeats} timed repeats per command after one untimed warm-up, the order reversed every "
        "repeat; wall time from spawn to exit, process start-up and imports included. Bytecode caching on.",
        f"- Machine: {len(os.sched_getaffinity(0))} CPUs (nproc), Python {platform.python_version()}, Django "
        f"{django.get_version()}, {platform.system()} {platform.release()} {platform.machine()}; "
        f"{datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}; commit `{at_start.commit}`.",
        f"- Command: `{shlex.join(['python', 'bench/planner_alone.py', *argv])}`.",
        "",
    ]
    if changed:
        files = ", ".join(f"`{c}`" for c in changed)
        lines += [f"**Warning:** files of the graticule package changed while this ran: {files}.", ""]
    lines.append(
        "Figures from a single run on a shared, noisy machine: compare the columns measured side by side "
        "(ratios), not the absolute seconds."
    )
    return "\n".join(lines) + "\n"


def _sqlglot_build(python: str) -> str:
    """sqlglot's version under ``python`` and whether its compiled modules (sqlglotc) are in use."""
    probe = (
        "import sqlglot, sqlglot.tokenizer_core as core; "
        "print(sqlglot.__version__, 'compiled' if not core.__file__.endswith('.py') else 'pure Python')"
    )
    found = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=False).stdout.split()
    return f"{found[0]} ({' '.join(found[1:])})" if found else "unknown"


def _cell(timings: Timings, key: str) -> str:
    median, minimum = timings.median(key), timings.minimum(key)
    return "failed" if median is None or minimum is None else f"{median:.2f} ({minimum:.2f})"


def _ratio(numerator: float | None, denominator: float | None) -> str:
    return "n/a" if numerator is None or not denominator else f"{numerator / denominator:.2f}"


if __name__ == "__main__":
    sys.exit(main())
