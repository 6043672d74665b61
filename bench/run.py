"""`make bench`: time `graticule migrate diff` against `makemigrations --dry-run` on synthetic projects.

    python bench/run.py [--sizes 50,200,500] [--repeats 3] [--seed 0] [--out DIR] [--doc FILE]

For each size, generates a project under --out, checks that both tools handle it (one untimed warm-up
each, whose output is verified), then times them side by side, alternating, and writes the table to
the `## migrate diff vs makemigrations --dry-run` section of --doc. Exits 1 if a tool failed on a project.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shlex
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import django
from benchmarks_doc import SECTION_HEADING, RunContext, SizeResult, render_section, replace_section
from checkout import CheckoutState, checkout_state
from generate import generate_project
from measure import Measurement, parse_sizes, run_measured, summarize
from model_plan import ProjectPlan

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


class ToolFailed(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    checkout_at_start = checkout_state(REPO)
    env = _child_env()
    graticule = _graticule_executable()
    results = []
    for size in args.sizes:
        project = args.out / f"n{size}"
        if project.exists():
            shutil.rmtree(project)
        plan = generate_project(project, size, seed=args.seed)
        print(f"== N={size}: {len(plan.apps)} apps in {project}", flush=True)
        results.append(_bench_size(plan, project, graticule, env, args.repeats))
    ctx = _run_context(args, argv if argv is not None else sys.argv[1:], checkout_at_start)
    section = render_section(results, ctx)
    existing = args.doc.read_text(encoding="utf-8") if args.doc.exists() else ""
    args.doc.parent.mkdir(parents=True, exist_ok=True)
    args.doc.write_text(replace_section(existing, SECTION_HEADING, section), encoding="utf-8")
    print(f"\n{section}\nwritten to {args.doc}")
    return 1 if any(r.error for r in results) else 0


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=parse_sizes, default=[50, 200, 500], help="comma-separated model counts"
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed runs per tool and size (median reported)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def _child_env() -> dict[str, str]:
    # atlas.hcl runs plain `python manage.py …`: it must resolve to this interpreter, which has Django.
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def _graticule_executable() -> str:
    beside = VENV_BIN / "graticule"
    found = str(beside) if beside.exists() else shutil.which("graticule")
    if not found:
        sys.exit("Error: the graticule command is not installed (run `make bench`, which installs it)")
    return found


def _bench_size(
    plan: ProjectPlan, project: Path, graticule: str, env: dict[str, str], repeats: int
) -> SizeResult:
    result = SizeResult(models=len(plan.models), apps=len(plan.apps))
    migrations_dir = project / "migrations"

    def run_graticule() -> Measurement:
        # Against an empty directory every time: what `makemigrations` faces with empty packages.
        shutil.rmtree(migrations_dir, ignore_errors=True)
        migrations_dir.mkdir()
        measured = run_measured([graticule, "migrate", "diff", "--env", "django"], project, env)
        _verify_graticule(measured, plan, migrations_dir)
        return measured

    def run_makemigrations() -> Measurement:
        measured = run_measured([sys.executable, "manage.py", "makemigrations", "--dry-run"], project, env)
        _verify_makemigrations(measured, plan)
        return measured

    tools: dict[str, Callable[[], Measurement]] = {
        "graticule": run_graticule,
        "makemigrations": run_makemigrations,
    }
    timings: dict[str, list[Measurement]] = {name: [] for name in tools}
    errors: list[str] = []
    # Repeat 0 is an untimed warm-up: it byte-compiles the generated apps and proves the tool handles them.
    for repeat in range(repeats + 1):
        order = list(tools) if repeat % 2 == 0 else list(reversed(tools))
        for name in order:
            try:
                measured = tools[name]()
            except ToolFailed as e:
                errors.append(f"{name}: {e}")
                del tools[name]
                timings.pop(name)
                continue
            if repeat == 0:
                continue
            timings[name].append(measured)
            print(f"   {name:<15} run {repeat}/{repeats}: {measured.seconds:6.2f} s", flush=True)
    if "graticule" in timings:
        result.graticule = summarize(timings["graticule"])
    if "makemigrations" in timings:
        result.makemigrations = summarize(timings["makemigrations"])
    result.error = "\n".join(errors) or None
    return result


def _verify_graticule(measured: Measurement, plan: ProjectPlan, migrations_dir: Path) -> None:
    if measured.returncode != 0:
        raise ToolFailed(_failure("graticule migrate diff --env django", measured))
    written = sorted(migrations_dir.glob("*.sql"))
    if len(written) != 1 or not (migrations_dir / "atlas.sum").exists():
        names = sorted(p.name for p in migrations_dir.iterdir())
        raise ToolFailed(f"expected one .sql file and atlas.sum in {migrations_dir}, found {names}")
    created = set(re.findall(r'CREATE TABLE\s+[`"]?(\w+)', written[0].read_text(encoding="utf-8"), re.I))
    missing = sorted(_planned_tables(plan) - created)
    if missing:
        raise ToolFailed(f"{written[0].name} creates no table for {len(missing)} models/M2M: {missing[:5]}")


def _planned_tables(plan: ProjectPlan) -> set[str]:
    tables = set()
    for model in plan.models:
        table = f"{model.app}_{model.name.lower()}"
        tables.add(table)
        tables.update(f"{table}_{f.name}" for f in model.fields if f.kind == "m2m")
    return tables


def _verify_makemigrations(measured: Measurement, plan: ProjectPlan) -> None:
    if measured.returncode != 0:
        raise ToolFailed(_failure("makemigrations --dry-run", measured))
    created = measured.stdout.count("+ Create model ")
    if created != len(plan.models):
        raise ToolFailed(f"makemigrations --dry-run planned {created} models, expected {len(plan.models)}")


def _failure(command: str, measured: Measurement) -> str:
    tail = (measured.stderr.strip() or measured.stdout.strip()).splitlines()[-15:]
    return f"`{command}` exited with status {measured.returncode}:\n" + "\n".join(tail)


def _run_context(args: argparse.Namespace, argv: list[str], checkout_at_start: CheckoutState) -> RunContext:
    invoked = shlex.join(["python", "bench/run.py", *argv])
    if os.environ.get("MAKELEVEL"):
        invoked = "make bench" + (f" BENCH_ARGS={shlex.quote(shlex.join(argv))}" if argv else "")
    return RunContext(
        command=invoked,
        date=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        nproc=len(os.sched_getaffinity(0)),
        python=platform.python_version(),
        django=django.get_version(),
        platform=f"{platform.system()} {platform.release()} {platform.machine()}",
        commit=checkout_at_start.commit,
        # The checkout is shared and installed editable: code edited mid-run makes the numbers a mix.
        checkout_changes=checkout_state(REPO).changes_since(checkout_at_start),
        repeats=args.repeats,
        seed=args.seed,
    )


if __name__ == "__main__":
    sys.exit(main())
