"""The provider against the `django.setup()` floor and against atlas-provider-django, on one project.

    python bench/provider.py [--models 500] [--seed 0] [--repeats 3] [--dialects sqlite,postgresql,...]
                             [--peer-repeats 1] [--peer-dialects sqlite] [--no-peer] [--out DIR] [--doc FILE]

Generates a project (bench/generate.py), then times, side by side in the same loop:

- the floor: a fresh Python that runs `django.setup()` for the project and nothing else — every provider
  pays it (and so does `manage.py makemigrations`);
- graticule's provider: `python manage.py graticule-schema --dialect D` for each dialect;
- atlas-provider-django 0.2.4 (Ariga's provider, from PyPI) for --peer-dialects, installed with the
  project's Django version into a venv of its own under --out (never into graticule's), and run as its
  README says (`python manage.py atlas-provider-django --dialect D`) with settings that add
  `atlas_provider_django` to INSTALLED_APPS for that run only.

One untimed warm-up of the floor and of each graticule dialect (it writes the bytecode caches and checks the
output names a table for every model), then --repeats rounds whose order rotates; the peer takes part in the
first --peer-repeats rounds (it needs minutes per run). Children run with bytecode caching on (as installed
software does), whatever PYTHONDONTWRITEBYTECODE says. Wall time and CPU time (user + system) per run,
median and min; the ratio to the floor compares medians of the same run. Writes the `## Provider` section
of --doc (the other sections are kept).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import django
from benchmarks_doc import replace_section
from checkout import checkout_state
from generate import generate_project

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SECTION_HEADING = "## Provider"
PEER = "atlas-provider-django"
PEER_VERSION = "0.2.4"
TABLE_HEADER = [
    "| tool | dialect | wall median s (min) | wall / floor | CPU median s | CPU / floor | peak RSS MiB "
    "| tables |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
]
GOAL = 2.0  # issue 3: the provider takes at most twice the floor
FLOOR_CODE = (
    "import os, sys; sys.path.insert(0, os.getcwd()); "
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'benchsite.settings'); import django; django.setup()"
)
PEER_SETTINGS = """\
from benchsite.settings import *  # noqa: F403

# atlas-provider-django, for the benchmark run only (graticule is not installed in the peer's venv).
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "graticule.provider"]  # noqa: F405
INSTALLED_APPS.append("atlas_provider_django")
"""


@dataclass(frozen=True)
class Run:
    wall_s: float
    cpu_s: float
    peak_rss_kib: int
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Tool:
    label: str
    dialect: str
    argv: list[str]
    check: bool = True
    runs: list[Run] = field(default_factory=list)
    error: str | None = None
    tables: int | None = None
    cwd: Path | None = None
    """Where it runs (None: the generated project)."""


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    at_start = checkout_state(REPO)
    env = _child_env()
    project = args.out / f"provider-n{args.models}"
    if project.exists():
        shutil.rmtree(project)
    plan = generate_project(project, args.models, seed=args.seed)
    expected_tables = _planned_tables(plan)
    print(f"== {len(plan.models)} models in {len(plan.apps)} apps in {project}", flush=True)

    python = str(VENV_BIN / "python")
    floor = Tool("django.setup() floor", "", [python, "-c", FLOOR_CODE], check=False)
    ours = [
        Tool("graticule", d, [python, "manage.py", "graticule-schema", "--dialect", d]) for d in args.dialects
    ]
    # Not a provider: the command that plans the same migrations, for scale (issue 2's product goal).
    reference = Tool("makemigrations --dry-run", "", [python, "manage.py", "makemigrations", "--dry-run"])
    reference.check = False
    peers: list[Tool] = []
    peer_note = "not measured (--no-peer)"
    if not args.no_peer:
        peer_python, peer_note = _peer_python(args.out)
        if peer_python is not None:
            variant = _peer_variant(project, args.out / f"provider-n{args.models}-peer")
            for dialect in args.peer_dialects:
                command = [peer_python, "manage.py", PEER, "--dialect", dialect]
                peers.append(Tool(PEER, dialect, [*command, "--settings", "benchsite.peer_settings"]))
                peers[-1].cwd = variant
                ours_there = Tool(
                    "graticule", dialect, [python, "manage.py", "graticule-schema", "--dialect", dialect]
                )
                ours_there.cwd = variant
                peers.append(ours_there)

    # Warm-up: bytecode caches, and a check that each tool handles the project (not the peer: minutes a run).
    for tool in [floor, *ours, reference, *(t for t in peers if t.label != PEER)]:
        _verify(tool, _measure(tool.argv, tool.cwd or project, env), expected_tables)
    for round_number in range(max(args.repeats, args.peer_repeats if peers else 0)):
        tools = [floor] + [t for t in [*ours, reference] if round_number < args.repeats]
        if round_number < args.peer_repeats:
            tools += peers
        shift = round_number % len(tools)
        for tool in tools[shift:] + tools[:shift]:
            if tool.error:
                continue
            run = _measure(tool.argv, tool.cwd or project, env)
            _verify(tool, run, expected_tables)
            if not tool.error:
                tool.runs.append(run)
                print(f"   {_name(tool):<38} {run.wall_s:7.2f} s wall {run.cpu_s:7.2f} s cpu", flush=True)

    section = _render(args, argv, floor, ours, reference, peers, peer_note, plan, at_start)
    existing = args.doc.read_text(encoding="utf-8") if args.doc.exists() else ""
    args.doc.parent.mkdir(parents=True, exist_ok=True)
    args.doc.write_text(replace_section(existing, SECTION_HEADING, section), encoding="utf-8")
    print(f"\n{section}\nwritten to {args.doc}")
    return 1 if any(t.error for t in [floor, *ours]) else 0


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of the floor and of each dialect")
    parser.add_argument("--dialects", type=_names, default=["sqlite", "postgresql", "mysql", "mariadb"])
    parser.add_argument("--peer-repeats", type=int, default=1, help=f"timed runs of {PEER} per dialect")
    parser.add_argument("--peer-dialects", type=_names, default=["sqlite"])
    parser.add_argument("--no-peer", action="store_true", help=f"do not install or time {PEER}")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.peer_repeats < 0:
        parser.error("--repeats must be at least 1 and --peer-repeats at least 0")
    return args


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    # A machine-wide PYTHONDONTWRITEBYTECODE would make every run compile every module from source, which no
    # installed tool does; the untimed warm-up writes the bytecode that the timed runs then load.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPATH", None)
    return env


def _measure(argv: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """Wall time from spawn to reap; CPU time and peak RSS from the child's own rusage (os.wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            wall_s=wall,
            cpu_s=usage.ru_utime + usage.ru_stime,
            peak_rss_kib=usage.ru_maxrss,
            returncode=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def _verify(tool: Tool, run: Run, expected_tables: set[str]) -> None:
    if run.returncode != 0:
        tail = "\n".join((run.stderr.strip() or run.stdout.strip()).splitlines()[-10:])
        tool.error = f"exited with status {run.returncode}:\n{tail}"
        return
    if not tool.check:
        return
    created = set(re.findall(r'CREATE TABLE\s+[`"]?(\w+)', run.stdout, re.I))
    tool.tables = len(created)
    missing = sorted(expected_tables - created)
    if missing:
        tool.error = f"no CREATE TABLE for {len(missing)} tables, e.g. {missing[:5]}"


def _planned_tables(plan: object) -> set[str]:
    tables = set()
    for model in plan.models:  # type: ignore[attr-defined]
        table = f"{model.app}_{model.name.lower()}"
        tables.add(table)
        tables.update(f"{table}_{f.name}" for f in model.fields if f.kind == "m2m")
    return tables


def _peer_python(out: Path) -> tuple[str | None, str]:
    """The peer's interpreter, in a venv of its own with the project's Django version (made once)."""
    venv = out / f"{PEER}-{PEER_VERSION}-django-{django.get_version()}"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"== installing {PEER}=={PEER_VERSION} into {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        packages = [f"{PEER}=={PEER_VERSION}", f"Django=={django.get_version()}"]
        installed = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *packages],
            capture_output=True,
            text=True,
        )
        if installed.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            reason = " ".join(installed.stderr.split())[-300:]
            return None, f"not measured: `pip install {PEER}=={PEER_VERSION}` failed ({reason})"
    return str(
        python
    ), f"{PEER} {PEER_VERSION} in `{venv.relative_to(REPO) if venv.is_relative_to(REPO) else venv}`"


def _peer_variant(project: Path, target: Path) -> Path:
    """The project, changed only as far as atlas-provider-django 0.2.4 needs to read it.

    0.2.4 keeps only the first migration `makemigrations` would write for an app, so an app whose initial
    migration Django splits for a foreign key cycle between apps fails ("dependencies reference nonexistent
    parent node"); and it plans an app without its dependency on the auth app, so a foreign key to the user
    model fails ("Related model 'auth.user' cannot be resolved"). In the variant, every relation to a model
    of a later app (the generator's apps are numbered in INSTALLED_APPS order) and every `owner` key to the
    user model points at its own model instead: the same models and tables, no cycle between apps.
    graticule's provider is timed on the variant too, for the direct comparison.
    """
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(project, target, ignore=shutil.ignore_patterns("__pycache__"))
    for module in target.glob("*/models.py"):
        number = int(re.search(r"(\d+)$", module.parent.name)[1])
        lines = []
        for line in module.read_text().splitlines(keepends=True):
            line = line.replace("settings.AUTH_USER_MODEL", '"self"')
            later = re.search(r'"[a-z]+(\d+)\.\w+"', line)
            if later and int(later[1]) > number:
                # A many-to-many field to "self" would be symmetrical: keep it one-way like the original.
                to_self = '"self", symmetrical=False' if "ManyToManyField(" in line else '"self"'
                line = line.replace(later[0], to_self)
            lines.append(line)
        module.write_text("".join(lines))
    (target / "benchsite" / "peer_settings.py").write_text(PEER_SETTINGS)
    return target


def _name(tool: Tool) -> str:
    return f"{tool.label} {tool.dialect}".strip()


def _median(tool: Tool, attribute: str) -> float | None:
    values = [getattr(run, attribute) for run in tool.runs]
    return statistics.median(values) if values else None


def _render(
    args: argparse.Namespace,
    argv: list[str] | None,
    floor: Tool,
    ours: list[Tool],
    reference: Tool,
    peers: list[Tool],
    peer_note: str,
    plan: object,
    at_start: object,
) -> str:
    floor_wall, floor_cpu = _median(floor, "wall_s"), _median(floor, "cpu_s")

    def row(tool: Tool) -> str:
        wall, cpu = _median(tool, "wall_s"), _median(tool, "cpu_s")
        if tool.error or wall is None or cpu is None:
            return f"| {tool.label} | {tool.dialect or '—'} | failed | | | | | |"
        low = min(run.wall_s for run in tool.runs)
        rss = max(run.peak_rss_kib for run in tool.runs) / 1024
        wall_ratio = f"{wall / floor_wall:.2f}" if floor_wall else "n/a"
        cpu_ratio = f"{cpu / floor_cpu:.2f}" if floor_cpu else "n/a"
        tables = "—" if tool.tables is None else str(tool.tables)
        return (
            f"| {tool.label} | {tool.dialect or '—'} | {wall:.2f} ({low:.2f}) | {wall_ratio} | {cpu:.2f} "
            f"| {cpu_ratio} | {rss:.0f} | {tables} |"
        )

    worst = max(
        (_median(t, "wall_s") / floor_wall for t in ours if t.runs and not t.error and floor_wall),
        default=None,
    )
    status = (
        "not measured"
        if worst is None
        else f"largest ratio {worst:.2f} in this run, goal {'met' if worst <= GOAL else 'not met yet'}"
    )
    lines = [
        SECTION_HEADING,
        "",
        f"Goal (issue 3): the provider takes at most {GOAL:g}x the `django.setup()` floor on the synthetic "
        f"{args.models}-model project, for every dialect — {status}.",
        "",
    ]
    planning = _median(reference, "wall_s")
    if planning is not None and floor_wall and not reference.error:
        # What Django's own planning costs, for scale: the provider plans the same migrations, then renders
        # the models and writes their SQL.
        lines += [
            f"For scale: `makemigrations --dry-run`, which plans the same migrations without rendering the "
            f"models or writing any SQL, takes {planning / floor_wall:.2f}x the floor in this run.",
            "",
        ]
    lines += [
        *TABLE_HEADER,
        row(floor),
        *[row(tool) for tool in ours],
        row(reference),
    ]
    lines += ["", f"Against {PEER} ({peer_note}), on the variant of the project it can read (see below):"]
    if peers:
        lines += [
            "",
            *TABLE_HEADER,
            *[row(tool) for tool in peers],
        ]
        for peer, there in zip(peers[::2], peers[1::2], strict=True):
            if peer.runs and there.runs and not peer.error and not there.error:
                speedup = _median(peer, "wall_s") / _median(there, "wall_s")
                lines += ["", f"On {peer.dialect}: graticule's provider {speedup:.0f}x faster than {PEER}."]
    failures = [t for t in [floor, *ours, reference, *peers] if t.error]
    if failures:
        lines += ["", "Failures:"]
        for tool in failures:
            lines += [
                "",
                f"- {_name(tool)}:",
                "",
                "  ```",
                *(f"  {x}" for x in tool.error.splitlines()),
                "  ```",
            ]
    command = shlex.join(["python", "bench/provider.py", *(argv if argv is not None else sys.argv[1:])])
    if os.environ.get("MAKELEVEL"):
        command = "make bench"
    changed = checkout_state(REPO).changes_since(at_start)  # type: ignore[attr-defined]
    lines += [
        "",
        "How it was measured:",
        "",
        f"- Project from `bench/generate.py` ({len(plan.models)} models in {len(plan.apps)} apps, seed "  # type: ignore[attr-defined]
        f"{args.seed}); every app has an empty `migrations` package, so every provider plans it from its "
        "models.",
        "- Floor: a fresh `python -c` that runs `django.setup()` for the project. graticule: "
        "`python manage.py graticule-schema --dialect D` (offline for every dialect). For scale, "
        "`python manage.py makemigrations --dry-run`, which plans the same migrations without any SQL. "
        f"Peer: {peer_note}, run as `python manage.py {PEER} --dialect D` with `atlas_provider_django` added "
        "to INSTALLED_APPS for its runs only, on a variant it can read: the same models, with every relation "
        "to a later app and every `owner` key to the user model pointing at its own model instead. (0.2.4 "
        "keeps only an app's first migration and fails when Django splits one for a foreign key cycle "
        'between apps, "dependencies reference nonexistent parent node"; it plans an app without its '
        "dependency on the auth app, \"Related model 'auth.user' cannot be resolved\".) graticule's provider "
        "is timed on the variant too, in the same rounds.",
        f"- One untimed warm-up of the floor and of each graticule dialect (it also checks that the output "
        f"creates a table for every model and M2M field), then {args.repeats} timed rounds in rotating "
        "order; "
        f"the peer runs in the first {args.peer_repeats} round(s). Bytecode caching on, as for installed "
        "software. Wall time from spawn to exit; CPU time is user + system of the process (`os.wait4`), "
        "which a busy machine disturbs less than wall time. Ratios divide medians of the same run.",
        f"- Machine: {len(os.sched_getaffinity(0))} CPUs (nproc), Python {platform.python_version()}, "
        f"Django {django.get_version()}, {platform.system()} {platform.release()} {platform.machine()}; "
        f"{datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}; commit "
        f"`{at_start.commit}`.",  # type: ignore[attr-defined]
        f"- Command: `{command}`.",
        "",
    ]
    if changed:
        lines += [
            f"**Warning:** files of the graticule package changed while this ran: {', '.join(changed)}; "
            "these figures may mix two versions of the code.",
            "",
        ]
    lines.append(
        "Figures from a single run on a shared machine: read the ratios (measured side by side in the same "
        "run) rather than the absolute seconds."
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
