"""The labelled lint corpus (tests/lint/corpus/<engine>.toml) on real dev databases.

Each case holds an existing schema (``base``, replayed first, sometimes with rows), a hazardous migration
and a safe counterpart. Through the real runner (``lint_files``) the hazard must fire exactly the labelled
codes and the safe form nothing beyond its ``safe_allows`` (usually none): a missing code is a false negative,
an extra one a false positive. One dev database per engine serves every case (reset in between), so the run
stays short.

``bench/lint_squawk.py`` reads the same files to compare graticule with squawk on the PostgreSQL cases.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import servers

from graticule.planner.devdb import DevDatabase, open_dev
from graticule.planner.lint.policy import AnalyzerSettings, LintPolicy
from graticule.planner.lint.runner import lint_files
from graticule.planner.migrate.split import split_statements

CORPUS = Path(__file__).parent / "corpus"
ENGINES = ("sqlite", "postgresql", "mariadb")
# Every code DESIGN §4 lists; the corpus must cover each one on some engine (NM1xx needs a naming block).
ALL_CODES = frozenset(
    {
        *("DS101", "DS102", "DS103", "MF101", "MF102", "MF103", "MF104", "BC101", "BC102", "CD101"),
        *("MY101", "MY102", "LT101", "PG101", "PG102", "PG103", "PG301", "PG302", "PG303", "PG304"),
        *("PG305", "PG306", "NM101", "NM102", "NM103", "NM104", "NM105", "NM106"),
    }
)


@dataclass(frozen=True)
class Case:
    engine: str
    id: str
    codes: tuple[str, ...]
    """Every code the hazard fires (each one at least once)."""
    base: str
    hazard: str
    safe: str
    safe_allows: tuple[str, ...] = ()
    """Codes the safe form rightly still fires (e.g. MF101 for a unique index built CONCURRENTLY)."""
    naming: dict[str, Any] = field(default_factory=dict)
    """A ``naming`` block (its options) to turn on NM checks for this case."""
    note: str = ""
    pending: str = ""
    """A known analyzer bug (its entry in the lint bug list) that makes the case fail for now: the case runs
    as a strict xfail, so the fix turns it into a failure until the mark is removed."""


def load(engine: str) -> list[Case]:
    data = tomllib.loads((CORPUS / f"{engine}.toml").read_text())
    cases = []
    for raw in data["case"]:
        cases.append(
            Case(
                engine=engine,
                id=raw["id"],
                codes=tuple(raw["codes"]),
                base=raw.get("base", ""),
                hazard=raw["hazard"],
                safe=raw["safe"],
                safe_allows=tuple(raw.get("safe_allows", ())),
                naming=raw.get("naming", {}),
                note=raw.get("note", ""),
                pending=raw.get("pending", ""),
            )
        )
    return cases


def policy_for(case: Case) -> LintPolicy | None:
    if not case.naming:
        return None
    return LintPolicy(analyzers={"naming": AnalyzerSettings(options=dict(case.naming))})


def fired(dev: DevDatabase, case: Case, migration: str) -> list[str]:
    """The codes the runner reports for ``migration`` on top of the case's base (the dev database is reset
    first). A file error (the statement failed on the dev database) fails the case: the corpus must run."""
    dev.reset()
    base = [("20240101000000_base.sql", case.base)] if case.base.strip() else []
    report = lint_files(dev, base, [("20240102000000_change.sql", migration)], policy=policy_for(case))
    errors = [f.error for f in report.files if f.error]
    assert not errors, f"{case.engine}/{case.id}: {errors[0]}"
    return sorted(d.code for d in report.diagnostics)


def all_cases() -> Iterator[Case]:
    for engine in ENGINES:
        yield from load(engine)


def _params(engine: str) -> list[Any]:
    return [
        pytest.param(case, id=case.id, marks=[pytest.mark.xfail(reason=case.pending, strict=True)])
        if case.pending
        else pytest.param(case, id=case.id)
        for case in load(engine)
    ]


@pytest.fixture(scope="module")
def sqlite_dev() -> Iterator[DevDatabase]:
    with open_dev("sqlite://dev?mode=memory") as dev:
        yield dev


@pytest.fixture(scope="module")
def postgres_dev(postgres_server: dict) -> Iterator[DevDatabase]:
    with open_dev(servers.POSTGRES_URL) as dev:
        yield dev


@pytest.fixture(scope="module")
def mariadb_dev(mysql_server: dict) -> Iterator[DevDatabase]:
    with open_dev(servers.MYSQL_URL) as dev:
        yield dev


def check(dev: DevDatabase, case: Case) -> None:
    hazard = fired(dev, case, case.hazard)
    assert set(hazard) == set(case.codes), f"hazard fired {hazard}, labelled {list(case.codes)}"
    safe = fired(dev, case, case.safe)
    assert set(safe) <= set(case.safe_allows), f"safe form fired {safe}, allowed {list(case.safe_allows)}"


@pytest.mark.parametrize("case", _params("sqlite"))
def test_sqlite_case(sqlite_dev: DevDatabase, case: Case) -> None:
    check(sqlite_dev, case)


@pytest.mark.parametrize("case", _params("postgresql"))
def test_postgresql_case(postgres_dev: DevDatabase, case: Case) -> None:
    check(postgres_dev, case)


@pytest.mark.parametrize("case", _params("mariadb"))
def test_mariadb_case(mariadb_dev: DevDatabase, case: Case) -> None:
    check(mariadb_dev, case)


def test_corpus_covers_every_code() -> None:
    labelled = {code for case in all_cases() for code in case.codes}
    assert ALL_CODES - labelled == set()
    assert sum(1 for _ in all_cases()) >= 60


def test_case_ids_are_unique() -> None:
    ids = [(case.engine, case.id) for case in all_cases()]
    assert len(ids) == len(set(ids))


def _relfilenodes(dev: DevDatabase) -> dict[str, int]:
    rows = dev.session.conn.execute(
        "SELECT c.relname, c.relfilenode FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname = current_schema()"
    ).fetchall()
    return dict(rows)


def _rewritten(dev: DevDatabase, case: Case, migration: str) -> list[str]:
    """Tables whose storage PostgreSQL replaced while running ``migration`` on the case's base."""
    dev.reset()
    dev.run_sql(case.base, "base")
    before = _relfilenodes(dev)
    dev.run_sql(migration, "migration")
    after = _relfilenodes(dev)
    return sorted(name for name, node in before.items() if after.get(name, node) != node)


REWRITE_CODES = {"PG301", "PG302"}


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id) for c in load("postgresql") if REWRITE_CODES & set(c.codes)]
)
def test_rewrite_labels_match_postgres(postgres_dev: DevDatabase, case: Case) -> None:
    """The labels are facts, not the analyzer's opinion: the server rewrites a table on every PG301/PG302
    hazard (its relfilenode changes) and on none of the safe forms."""
    assert _rewritten(postgres_dev, case, case.hazard), "labelled a rewrite, but PostgreSQL rewrote nothing"
    assert _rewritten(postgres_dev, case, case.safe) == [], "the safe form rewrote a table"


SCAN_CODES = {"PG303", "PG304", "PG305", "PG306"}


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id) for c in load("postgresql") if SCAN_CODES & set(c.codes)]
)
def test_scan_labels_match_postgres(postgres_dev: DevDatabase, case: Case) -> None:
    """Every PG303-PG306 hazard makes PostgreSQL scan a table that existed before (the transaction's scan
    counters, read before and after the hazard inside one rolled-back transaction)."""
    dev = postgres_dev
    dev.reset()
    dev.run_sql(case.base, "base")
    conn = dev.session.conn
    scans = "SELECT relname, pg_stat_get_xact_numscans(oid) FROM pg_class WHERE relname = ANY(%s)"
    tables = list(_relfilenodes(dev))
    with conn.transaction(force_rollback=True):
        before = dict(conn.execute(scans, (tables,)).fetchall())
        for stmt in split_statements(case.hazard, "postgresql"):
            conn.execute(stmt.text)
        after = dict(conn.execute(scans, (tables,)).fetchall())
    assert any(after[t] > before[t] for t in tables), "labelled a scan, but PostgreSQL scanned no table"
