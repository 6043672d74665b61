"""How much `migrate lint` costs over simply running the files: long files on SQLite and PostgreSQL.

    python bench/lint_speed.py [--postgres-url postgres://...] [--repeat 3]

Each case is a base and one long new file. In one process, on one dev database, the file is first run as
`migrate apply` would run it (raw: statement by statement, no inspection), then linted with `lint_files` (each
statement run and the schema inspected after it, analyzers on top); both from a clean database, alternately,
`--repeat` times; the medians and their ratio are printed as a Markdown table.

- sqlite-new-tables: 200 new tables with 4 indexes each (1,000 statements; an initial migration's shape);
- sqlite-alter-existing: 1,000 `ALTER TABLE ... ADD COLUMN` over 100 existing tables (every statement is
  inspected: the per-statement cost);
- postgres-new-tables: 300 new tables with an index each, then 299 foreign keys between them (899 statements).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from graticule.planner.devdb import open_dev
from graticule.planner.lint.runner import lint_files


@dataclass
class Case:
    name: str
    dev_url: str
    base: str
    file: str

    @property
    def statements(self) -> int:
        return self.file.count(";")


def sqlite_new_tables() -> tuple[str, str]:
    lines = []
    for t in range(200):
        lines.append(
            f"CREATE TABLE t{t} (id integer PRIMARY KEY, a integer NOT NULL, b text, c text, d integer);"
        )
        lines += [f"CREATE INDEX t{t}_{col} ON t{t} ({col});" for col in "abcd"]
    return "CREATE TABLE seed (id integer);\n", "\n".join(lines) + "\n"


def sqlite_alter_existing() -> tuple[str, str]:
    base = [f"CREATE TABLE t{t} (id integer PRIMARY KEY, a integer NOT NULL);" for t in range(100)]
    lines = [f"ALTER TABLE t{t} ADD COLUMN c{c} integer;" for t in range(100) for c in range(10)]
    return "\n".join(base) + "\n", "\n".join(lines) + "\n"


def postgres_new_tables() -> tuple[str, str]:
    lines = []
    for t in range(300):
        lines.append(f'CREATE TABLE "t{t}" ("id" bigserial PRIMARY KEY, "a" integer NOT NULL, "p" bigint);')
        lines.append(f'CREATE INDEX "t{t}_a" ON "t{t}" ("a");')
    lines += [
        f'ALTER TABLE "t{t}" ADD CONSTRAINT "t{t}_p" FOREIGN KEY ("p") REFERENCES "t{t - 1}" ("id");'
        for t in range(1, 300)
    ]
    return "CREATE TABLE seed (id integer);\n", "\n".join(lines) + "\n"


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def measure(case: Case, repeat: int) -> tuple[float, float]:
    raw: list[float] = []
    lint: list[float] = []
    with open_dev(case.dev_url) as dev:
        for _ in range(repeat):
            dev.reset()
            dev.run_sql(case.base, "base")
            raw.append(timed(lambda: dev.run_sql(case.file, "file")))
            dev.reset()
            report = None

            def run() -> None:
                nonlocal report
                report = lint_files(dev, [("1_base.sql", case.base)], [("2_file.sql", case.file)])

            lint.append(timed(run))
            assert report is not None and not report.has_errors, report
            dev.reset()
    return statistics.median(raw), statistics.median(lint)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("GRATICULE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    cases = [
        Case("sqlite-new-tables", "sqlite://dev?mode=memory", *sqlite_new_tables()),
        Case("sqlite-alter-existing", "sqlite://dev?mode=memory", *sqlite_alter_existing()),
    ]
    if not args.skip_postgres:
        cases.append(Case("postgres-new-tables", args.postgres_url, *postgres_new_tables()))
    print(f"median of {args.repeat} runs each, one process\n")
    print("| case | statements | run raw | lint | lint / raw |")
    print("|---|---:|---:|---:|---:|")
    for case in cases:
        raw, lint = measure(case, args.repeat)
        print(f"| {case.name} | {case.statements} | {raw:.2f} s | {lint:.2f} s | {lint / raw:.1f}x |")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
