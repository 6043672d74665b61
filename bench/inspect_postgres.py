"""`make bench`: time graticule's PostgreSQL inspector against migra's schemainspect on N-table schemas.

    python bench/inspect_postgres.py [--sizes 200,1000,2000] [--repeats 7] [--seed 0] [--url URL] [--doc FILE]

For each size, creates a scratch database on the server (--url, default $GRATICULE_TEST_POSTGRES_URL or
postgres://postgres@127.0.0.1:5432/postgres; dropped afterwards, also on error, Ctrl-C and SIGTERM), builds a
Django-like schema in it (`bench/inspect_postgres_schema.py`), then inspects it with both tools side by side,
alternating (the order flips every repeat), after one untimed warm-up each. Every run is a fresh process on a
fresh connection (`bench/inspect_postgres_worker.py`) that times the inspection call alone and counts its
queries; both tools must find every table, column, index, constraint and foreign key the generator made.

schemainspect runs in a venv of its own, bench/out/migra-venv (created on first use: migra pins SQLAlchemy < 2
and psycopg2, which graticule's venv must not get). The table goes to the `## PostgreSQL inspection vs
schemainspect` section of --doc; the rest of the page is kept. Exits 1 if a tool failed or miscounted.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from benchmarks_doc import replace_section
from checkout import checkout_state
from inspect_postgres_schema import Counts, plan_schema
from measure import parse_sizes

REPO = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "inspect_postgres_worker.py"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"
SECTION_HEADING = "## PostgreSQL inspection vs schemainspect"
GOAL_TABLES = 2000
GOAL_SPEEDUP = 3.0
SCHEMA = "public"
# migra's last release, with what it was built against: SQLAlchemy 2 renamed the API sqlbag and schemainspect
# use, and its postgresql:// means psycopg 3 there. Pinned so that reruns compare against the same code.
MIGRA_REQUIREMENTS = (
    "migra==3.0.1663481299",
    "schemainspect==3.1.1663587362",
    "sqlbag==0.1.1617247075",
    "SQLAlchemy==1.4.54",
    "psycopg2-binary==2.9.13",
    "setuptools==65.5.0",  # schemainspect imports pkg_resources, which newer Pythons' venvs lack
)
MIGRA_VERSIONS = ("migra", "schemainspect", "sqlbag", "SQLAlchemy", "psycopg2-binary")
TOOLS = ("graticule", "schemainspect")


class ToolFailed(Exception):
    pass


@dataclass
class ToolResult:
    seconds: list[float] = field(default_factory=list)
    process_seconds: list[float] = field(default_factory=list)  # the worker's whole life, start-up included
    queries: set[int] = field(default_factory=set)
    counts: dict[str, int] | None = None
    error: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass
class SizeResult:
    tables: int
    expected: Counts
    build_seconds: float
    tools: dict[str, ToolResult]
    # The 1-minute load average before each timed run: other work on the machine, shown next to the figures.
    loads: list[float] = field(default_factory=list)

    def speedup(self) -> float | None:
        ours, theirs = self.tools["graticule"], self.tools["schemainspect"]
        if not ours.seconds or not theirs.seconds:
            return None
        return theirs.median / ours.median


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    checkout_at_start = checkout_state(REPO)
    migra_python = _ensure_migra_venv(args.migra_venv)
    server = _server_params(args.url)
    try:
        with _connect(server, server["dbname"], autocommit=True, connect_timeout=10) as conn:
            server_version = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error as e:
        print(f"Error: PostgreSQL at {_redacted(args.url)} is not reachable: {e}", file=sys.stderr)
        return 1
    pythons = {"graticule": sys.executable, "schemainspect": str(migra_python)}
    results = []
    for size in args.sizes:
        print(f"== N={size}", flush=True)
        results.append(_bench_size(size, args, server, pythons))
    context = {
        "command": _command(argv if argv is not None else sys.argv[1:]),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": _machine(),
        "server_version": server_version,
        "versions": _versions(pythons),
        "commit": checkout_at_start.commit,
        "checkout_changes": checkout_state(REPO).changes_since(checkout_at_start),
        "repeats": args.repeats,
        "seed": args.seed,
    }
    section = render_section(results, context)
    existing = args.doc.read_text(encoding="utf-8") if args.doc.exists() else ""
    args.doc.parent.mkdir(parents=True, exist_ok=True)
    args.doc.write_text(replace_section(existing, SECTION_HEADING, section), encoding="utf-8")
    print(f"\n{section}\nwritten to {args.doc}")
    return 1 if any(t.error for r in results for t in r.tools.values()) else 0


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=parse_sizes, default=[200, 1000, 2000], help="comma-separated table counts"
    )
    # 7, not fewer: the machine is shared, and a load spike during one run must not move the median.
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per tool and size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--url",
        default=os.environ.get("GRATICULE_TEST_POSTGRES_URL", DEFAULT_URL),
        help="a server where this user may create databases (default: $GRATICULE_TEST_POSTGRES_URL)",
    )
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--migra-venv", type=Path, default=REPO / "bench" / "out" / "migra-venv")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    # SystemExit unwinds through the `finally` that drops the scratch database; the default action would not.
    raise SystemExit(128 + signum)


# ---- the migra venv ----------------------------------------------------------------------------------------


def _ensure_migra_venv(venv: Path) -> Path:
    """bench/out/migra-venv with exactly MIGRA_REQUIREMENTS; (re)installed when the pins change."""
    python = venv / "bin" / "python"
    stamp = venv / ".requirements"
    wanted = "\n".join(MIGRA_REQUIREMENTS) + "\n"
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    print(f"installing {', '.join(MIGRA_REQUIREMENTS)} into {venv}", flush=True)
    # The venv module of this interpreter builds on its base Python, not on graticule's venv.
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, *MIGRA_REQUIREMENTS], check=True)
    stamp.write_text(wanted)
    return python


# ---- the server and the scratch databases ------------------------------------------------------------------


def _server_params(url: str) -> dict[str, str | int | None]:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit(f"Error: --url must be a postgres:// URL, got {_redacted(url)}")
    params: dict[str, str | int | None] = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username) if parts.username else "postgres",
        "password": unquote(parts.password) if parts.password else None,
        "dbname": unquote(parts.path.lstrip("/")) or "postgres",
    }
    sslmode = parse_qs(parts.query).get("sslmode")
    if sslmode:
        params["sslmode"] = sslmode[0]
    return params


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":xxxxx@", 1)
    return parts._replace(netloc=netloc).geturl()


def _connect(server: dict, dbname: str, **kwargs) -> psycopg.Connection:
    params = {k: v for k, v in server.items() if v is not None and k != "dbname"}
    return psycopg.connect(**params, dbname=dbname, **kwargs)


@contextmanager
def _scratch_database(server: dict, tables: int) -> Iterator[str]:
    name = f"graticule_bench_inspect_{tables}_{os.getpid()}"
    with _connect(server, server["dbname"], autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        # Opened anew: the admin connection may be gone after a long run; FORCE ends a worker left behind.
        with _connect(server, server["dbname"], autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _libpq_env(server: dict, dbname: str) -> dict[str, str]:
    """The workers connect through libpq's environment: psycopg 3 and psycopg2 read the same variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    names["sslmode"] = "PGSSLMODE"
    env.update({names[k]: str(v) for k, v in server.items() if k in names and v is not None})
    env["PGDATABASE"] = dbname
    return env


# ---- one size ----------------------------------------------------------------------------------------------


def _bench_size(tables: int, args: argparse.Namespace, server: dict, pythons: dict[str, str]) -> SizeResult:
    plan = plan_schema(tables, seed=args.seed)
    with _scratch_database(server, tables) as dbname:
        start = time.perf_counter()
        with _connect(server, dbname, autocommit=True) as conn:
            for text in plan.transactions():
                with conn.transaction():
                    conn.execute(text)
            # Statistics for the new catalog rows now, not whenever autovacuum gets to them mid-run: a plan
            # change between repeats would be measured as noise.
            conn.execute("ANALYZE")
        build_seconds = time.perf_counter() - start
        print(f"   built {tables} tables in {build_seconds:.1f} s (database {dbname})", flush=True)
        env = _libpq_env(server, dbname)
        results = {tool: ToolResult() for tool in TOOLS}
        loads: list[float] = []
        expected = _expected_counts(plan.counts)
        # Repeat 0 is an untimed warm-up (the server's buffers, the OS's file cache, byte-compiled modules).
        for repeat in range(args.repeats + 1):
            order = TOOLS if repeat % 2 == 0 else tuple(reversed(TOOLS))
            for tool in order:
                result = results[tool]
                if result.error:
                    continue
                if repeat > 0:
                    loads.append(os.getloadavg()[0])
                try:
                    run, process_seconds = _run_worker(pythons[tool], tool, env)
                    if run["counts"] != expected:
                        raise ToolFailed(f"found {run['counts']}, the generator made {expected}")
                except ToolFailed as e:
                    result.error = str(e)
                    print(f"   {tool:<14} FAILED: {e}", flush=True)
                    continue
                result.counts = run["counts"]
                if repeat == 0:
                    continue
                result.seconds.append(run["seconds"])
                result.process_seconds.append(process_seconds)
                result.queries.add(run["queries"])
                print(
                    f"   {tool:<14} run {repeat}/{args.repeats}: {run['seconds']:6.3f} s, "
                    f"{run['queries']} queries",
                    flush=True,
                )
    return SizeResult(
        tables=tables, expected=plan.counts, build_seconds=build_seconds, tools=results, loads=loads
    )


def _expected_counts(counts: Counts) -> dict[str, int]:
    return {
        "tables": counts.tables,
        "columns": counts.columns,
        "indexes": counts.indexes,
        "constraints": counts.constraints,
        "foreign_keys": counts.foreign_keys,
    }


def _run_worker(python: str, tool: str, env: dict[str, str]) -> tuple[dict, float]:
    start = time.perf_counter()
    proc = subprocess.run(
        [python, str(WORKER), tool, SCHEMA], env=env, capture_output=True, text=True, timeout=600
    )
    process_seconds = time.perf_counter() - start
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr.strip() or proc.stdout.strip()).splitlines()[-15:])
        raise ToolFailed(f"worker exited with status {proc.returncode}:\n{tail}")
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1]), process_seconds
    except (ValueError, IndexError):
        raise ToolFailed(f"worker printed no JSON result: {proc.stdout[-500:]!r}") from None


# ---- run context -------------------------------------------------------------------------------------------


def _command(argv: list[str]) -> str:
    if os.environ.get("MAKELEVEL"):
        return "make bench" + (f" INSPECT_BENCH_ARGS={shlex.quote(shlex.join(argv))}" if argv else "")
    return shlex.join(["python", "bench/inspect_postgres.py", *argv])


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return (
        f"{len(os.sched_getaffinity(0))} CPUs (nproc, {cpu}), {platform.system()} {platform.release()} "
        f"{platform.machine()}, Python {platform.python_version()}"
    )


def _versions(pythons: dict[str, str]) -> dict[str, str]:
    """Installed versions, each read by the interpreter that uses the package."""
    script = (
        "import json, sys\nfrom importlib.metadata import version\n"
        "print(json.dumps({name: version(name) for name in sys.argv[1:]}))"
    )
    versions = {}
    for python, names in ((pythons["graticule"], ("psycopg",)), (pythons["schemainspect"], MIGRA_VERSIONS)):
        out = subprocess.run([python, "-c", script, *names], capture_output=True, text=True, check=True)
        versions.update(json.loads(out.stdout))
    return versions


# ---- the report --------------------------------------------------------------------------------------------


def render_section(results: list[SizeResult], ctx: dict) -> str:
    versions = ctx["versions"]
    lines = [
        SECTION_HEADING,
        "",
        f"Goal: graticule's PostgreSQL inspector is at least {GOAL_SPEEDUP:g}x faster than migra's "
        f"schemainspect on a {GOAL_TABLES:,}-table schema. {_goal_status(results)}",
        "",
        "| N tables | graticule median s (min) | schemainspect median s (min) "
        "| speed-up (schemainspect / graticule) | queries graticule | queries schemainspect "
        "| columns / indexes / constraints / FKs seen |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [_row(r) for r in results]
    failures = [(r.tables, tool, t.error) for r in results for tool, t in r.tools.items() if t.error]
    if failures:
        lines += ["", "Failures:"]
        for tables, tool, error in failures:
            lines += ["", f"- N = {tables}, {tool}:", "", "  ```"]
            lines += [f"  {line}" for line in error.splitlines()]
            lines += ["  ```"]
    lines += [
        "",
        "Whole worker process, interpreter start-up, imports and connection included (median s):",
        "",
        "| N tables | graticule | schemainspect | schema build s |",
        "|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.tables:,} | {_process(r.tools['graticule'])} | {_process(r.tools['schemainspect'])} "
        f"| {r.build_seconds:.1f} |"
        for r in results
    ]
    lines += [
        "",
        "How it was measured:",
        "",
        f"- Schema from `bench/inspect_postgres_schema.py` (seed {ctx['seed']}), one scratch database per "
        "size (dropped afterwards), analyzed once built: per table 10-15 columns (a `bigint` identity "
        "primary key, common Django field types, some nullable, some with defaults), 1-2 deferrable "
        "foreign keys with an index each, a partial index, an expression index, in half the tables a "
        "two-column index with a DESC key, a UNIQUE constraint and a CHECK.",
        "- graticule: `DRIVER.inspect(conn, 'public')` (`graticule.planner.drivers.postgres`) on a psycopg "
        f"{versions.get('psycopg', '?')} connection; statements counted by wrapping psycopg's cursor "
        "`execute` (graticule sends `SET LOCAL jit = off` and then its six catalog queries, all in one "
        "libpq pipeline: 7 statements, each counted).",
        f"- schemainspect {versions.get('schemainspect', '?')} (migra {versions.get('migra', '?')}, sqlbag "
        f"{versions.get('sqlbag', '?')}, SQLAlchemy {versions.get('SQLAlchemy', '?')}, psycopg2-binary "
        f"{versions.get('psycopg2-binary', '?')}, in a venv of its own): `get_inspector(conn, "
        "schema='public')` on a SQLAlchemy connection, as `migra --schema public` does; queries counted "
        "with SQLAlchemy's `before_cursor_execute` event. schemainspect reads every schema (functions, "
        "views, types, privileges, dependencies too) and then keeps one: that is its design, and part of "
        "what is compared.",
        "- Each run is a fresh process and a fresh server connection (cold catalog caches in the backend); "
        "only the inspection call is timed, inside the process (imports and connecting are not). Both tools "
        "must report exactly the tables, columns, indexes (primary keys' and unique constraints' "
        "included), constraints and foreign keys the generator made, or the size counts as failed.",
        f"- {ctx['repeats']} timed repeats per tool after one untimed warm-up each, the two tools "
        "alternating (the order flips every repeat); median and min.",
        f"- Machine: {ctx['machine']}; PostgreSQL {ctx['server_version']} on the same machine; "
        f"{_load_range(results)}; "
        f"{ctx['date']}; commit `{ctx['commit']}`.",
        f"- Command: `{ctx['command']}`.",
        "",
    ]
    if ctx["checkout_changes"]:
        changed = ", ".join(f"`{c}`" for c in ctx["checkout_changes"])
        lines += [
            f"**Warning:** files of the graticule package changed while this ran: {changed}; these figures "
            "may mix two versions of the code.",
            "",
        ]
    lines.append(
        "These are figures from a single run on a shared, noisy machine (2 cores, other work running): read "
        "the speed-up, measured side by side in the same run, rather than the absolute seconds."
    )
    return "\n".join(lines) + "\n"


def _load_range(results: list[SizeResult]) -> str:
    loads = [load for r in results for load in r.loads]
    if not loads:
        return "load average not sampled"
    return f"1-minute load average {min(loads):.1f}-{max(loads):.1f} before the timed runs"


def _goal_status(results: list[SizeResult]) -> str:
    at_goal = next((r for r in results if r.tables == GOAL_TABLES), None)
    speedup = at_goal.speedup() if at_goal else None
    if speedup is None:
        return f"Not measured at {GOAL_TABLES:,} tables in this run."
    verdict = "**met**" if speedup >= GOAL_SPEEDUP else "**not met**"
    ours, theirs = at_goal.tools["graticule"], at_goal.tools["schemainspect"]
    # The verdict is on medians; the ratio of the fastest runs, the least disturbed by other load, is context.
    fastest = min(theirs.seconds) / min(ours.seconds)
    return (
        f"In this run: {speedup:.2f}x at {GOAL_TABLES:,} tables (medians), goal {verdict} "
        f"(fastest runs: {fastest:.2f}x)."
    )


def _row(r: SizeResult) -> str:
    ours, theirs = r.tools["graticule"], r.tools["schemainspect"]
    speedup = r.speedup()
    c = r.expected
    return (
        f"| {r.tables:,} | {_time(ours)} | {_time(theirs)} | {f'{speedup:.2f}x' if speedup else 'n/a'} "
        f"| {_queries(ours)} | {_queries(theirs)} "
        f"| {c.columns:,} / {c.indexes:,} / {c.constraints:,} / {c.foreign_keys:,} |"
    )


def _time(t: ToolResult) -> str:
    return "failed" if not t.seconds else f"{t.median:.3f} ({min(t.seconds):.3f})"


def _process(t: ToolResult) -> str:
    return "failed" if not t.process_seconds else f"{statistics.median(t.process_seconds):.2f}"


def _queries(t: ToolResult) -> str:
    # Constant for a tool on one schema; a spread would mean per-object queries, so it is shown.
    return "n/a" if not t.queries else "-".join(str(q) for q in sorted(t.queries))


if __name__ == "__main__":
    sys.exit(main())
