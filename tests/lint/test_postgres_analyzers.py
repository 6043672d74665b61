"""The PostgreSQL analyzers (concurrent_index, blocking_changes) beyond the corpus: their rules as pure
functions, their atlas.hcl options, the server-version cut-offs, and what every diagnostic carries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import servers

from graticule.planner.changes import AddColumn, ColumnChange, ModifyColumn, ModifyTable
from graticule.planner.devdb import DevDatabase, open_dev
from graticule.planner.lint.analyzers import ANALYZERS
from graticule.planner.lint.analyzers.postgres_blocking import (
    check as blocking_check,
)
from graticule.planner.lint.analyzers.postgres_blocking import (
    proves_not_null,
    rewrite_reason,
    volatile_calls,
)
from graticule.planner.lint.context import StatementContext
from graticule.planner.lint.policy import AnalyzerSettings, LintPolicy
from graticule.planner.lint.runner import lint_files
from graticule.planner.migrate.split import FileStatement
from graticule.planner.schema import Check, Column, Schema, Table

# ---- pure rules --------------------------------------------------------------------------------------------

# Each verdict was measured on PostgreSQL 15 (relfilenode before/after ALTER COLUMN ... TYPE).
IN_PLACE = [
    ("character varying(10)", "character varying(20)"),
    ("varchar(10)", "varchar"),
    ("varchar(10)", "text"),
    ("text", "varchar"),
    ("numeric(10,2)", "numeric(12,2)"),
    ("numeric(10,2)", "numeric"),
    ("numeric(10)", "numeric(12)"),
    ("timestamp(3) without time zone", "timestamp(6) without time zone"),
    ("timestamp(3)", "timestamp"),
    ("timestamptz(3)", "timestamptz"),
    ("time(3)", "time(6)"),
    ("interval(3)", "interval(6)"),
    ("varbit(5)", "varbit(10)"),
    ("cidr", "inet"),
    ("xml", "text"),
    ("integer", "int4"),
]
REWRITES = [
    ("varchar(20)", "varchar(10)"),
    ("text", "varchar(10)"),
    ("char(5)", "char(10)"),
    ("char(5)", "text"),
    ("numeric(10,2)", "numeric(12,3)"),
    ("numeric", "numeric(10,2)"),
    ("integer", "bigint"),
    ("smallint", "integer"),
    ("real", "double precision"),
    ("timestamp(6)", "timestamp(3)"),
    ("interval", "interval(3)"),
    ("bit(5)", "bit(10)"),
    ("inet", "cidr"),
    ("json", "jsonb"),
    ("varchar(10)[]", "varchar(20)[]"),
    ("integer", "text"),
    ("date", "timestamp"),
]


@pytest.mark.parametrize(("old", "new"), IN_PLACE)
def test_type_changes_postgres_makes_in_place(old: str, new: str) -> None:
    assert rewrite_reason(old, new) is None


@pytest.mark.parametrize(("old", "new"), REWRITES)
def test_type_changes_that_rewrite(old: str, new: str) -> None:
    assert rewrite_reason(old, new) == "rewrites"


def test_timestamp_zone_change_depends_on_the_session_time_zone() -> None:
    assert rewrite_reason("timestamp", "timestamptz") == "rewrites unless the session's TimeZone is UTC"
    assert rewrite_reason("timestamptz(6)", "timestamp(3)") == "rewrites"


@pytest.mark.parametrize(
    ("default", "calls"),
    [
        ("gen_random_uuid()", ["gen_random_uuid"]),
        ("(floor((random() * (10)::double precision)))::integer", ["random"]),
        ("nextval('t_id_seq'::regclass)", ["nextval"]),
        ("public.uuid_generate_v4()", ["uuid_generate_v4"]),
        ("now()", []),
        ("CURRENT_TIMESTAMP", []),
        ("'random()'::text", []),
        ("0", []),
    ],
)
def test_volatile_calls(default: str, calls: list[str]) -> None:
    assert volatile_calls(default) == calls


@pytest.mark.parametrize(
    ("expr", "column", "proves"),
    [
        ("email IS NOT NULL", "email", True),
        ("NOT (email IS NULL)", "email", True),
        ("(total > 0) AND (email IS NOT NULL)", "email", True),
        ("email IS NULL", "email", False),
        ("other IS NOT NULL", "email", False),
        ("(email IS NOT NULL) OR (other IS NOT NULL)", "email", False),
    ],
)
def test_proves_not_null(expr: str, column: str, proves: bool) -> None:
    assert proves_not_null(Check(name="c", expr=expr), column) is proves


# ---- server versions (contexts built by hand: the cut-offs are older than the test server) -----------------


def _context(before: Table, after: Table, change: object, version: str) -> StatementContext:
    return StatementContext(
        dialect="postgresql",
        file="1.sql",
        stmt=FileStatement(text="ALTER TABLE t ...;", line=1, offset=0),
        expr=None,
        before=Schema("public", [before]),
        after=Schema("public", [after]),
        changes=[ModifyTable(old=before, new=after, changes=[change])],
        in_transaction=True,
        server_version=version,
    )


def test_constant_default_rewrites_before_postgres_11() -> None:
    before = Table("t", [Column("id", "bigint")])
    added = Column("flag", "boolean", default="false")
    after = Table("t", [*before.columns, added])
    change = AddColumn(added)
    assert [d.code for d in blocking_check(_context(before, after, change, "10.23"), {})] == ["PG302"]
    assert list(blocking_check(_context(before, after, change, "PostgreSQL 11.0"), {})) == []


def test_not_null_proof_needs_postgres_12() -> None:
    proof = Check(name="t_c_present", expr="c IS NOT NULL")
    before = Table("t", [Column("c", "text")], checks=[proof])
    after = Table("t", [Column("c", "text", nullable=False)], checks=[proof])
    change = ModifyColumn(before.columns[0], after.columns[0], ColumnChange.NULL)
    assert [d.code for d in blocking_check(_context(before, after, change, "11.22"), {})] == ["PG303"]
    assert list(blocking_check(_context(before, after, change, "12.1"), {})) == []
    unvalidated = Check(name="t_c_present", expr="c IS NOT NULL", attrs={"not_valid": True})
    before.checks = [unvalidated]
    assert [d.code for d in blocking_check(_context(before, after, change, "15.2"), {})] == ["PG303"]


def test_postgres_families_are_registered_for_postgresql_only() -> None:
    families = {a.name: a for a in ANALYZERS if a.name in ("concurrent_index", "blocking_changes")}
    assert set(families) == {"concurrent_index", "blocking_changes"}
    assert all(a.dialects == frozenset({"postgresql"}) and not a.error_by_default for a in families.values())
    assert set(families["concurrent_index"].codes) == {"PG101", "PG102", "PG103"}
    assert set(families["blocking_changes"].codes) == {f"PG30{i}" for i in range(1, 7)}


# ---- on PostgreSQL -----------------------------------------------------------------------------------------

BASE = """
CREATE TABLE p (id bigint PRIMARY KEY);
CREATE TABLE t (id bigint PRIMARY KEY, c integer, v varchar(10), p_id bigint);
CREATE INDEX t_v ON t (v);
INSERT INTO p VALUES (1);
INSERT INTO t VALUES (1, 1, 'a', 1);
"""
EVERY_HAZARD = """
CREATE INDEX t_c ON t (c);
DROP INDEX t_v;
CREATE INDEX CONCURRENTLY t_p ON t (p_id);
ALTER TABLE t ALTER COLUMN c TYPE bigint;
ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid();
ALTER TABLE t ALTER COLUMN v SET NOT NULL;
ALTER TABLE t DROP CONSTRAINT t_pkey;
ALTER TABLE t ADD PRIMARY KEY (id);
ALTER TABLE t ADD CONSTRAINT t_c_positive CHECK (c > 0);
ALTER TABLE t ADD CONSTRAINT t_p_fk FOREIGN KEY (p_id) REFERENCES p (id);
"""


@pytest.fixture(scope="module")
def dev(postgres_server: dict) -> Iterator[DevDatabase]:
    with open_dev(servers.POSTGRES_URL) as dev:
        yield dev


def _lint(dev: DevDatabase, sql: str, policy: LintPolicy | None = None) -> list:
    dev.reset()
    report = lint_files(dev, [("1_base.sql", BASE)], [("2_change.sql", sql)], policy=policy)
    assert [f.error for f in report.files] == [None]
    return [d for d in report.diagnostics if d.code.startswith("PG")]


def test_every_diagnostic_has_a_fix_a_django_hint_and_a_table(dev: DevDatabase) -> None:
    found = _lint(dev, EVERY_HAZARD)
    by_line = sorted((d.line, d.code) for d in found)
    assert by_line == [
        (2, "PG101"),
        (3, "PG102"),
        (4, "PG103"),
        (5, "PG301"),
        (6, "PG302"),
        (7, "PG303"),
        (9, "PG304"),
        (10, "PG305"),
        (11, "PG306"),
    ]
    for d in found:
        assert d.fix and d.hint, d
        assert d.table == ("t" if d.code != "PG103" else None), d
    texts = {d.code: d.text for d in found}
    assert texts["PG101"] == 'Creating index "t_c" non-concurrently causes write locks on the "t" table'
    assert texts["PG102"] == 'Dropping index "t_v" non-concurrently causes write locks on the "t" table'
    assert texts["PG103"].startswith("Indexes cannot be created or deleted concurrently within a transaction")
    assert 'from "integer" to "bigint"' in texts["PG301"]
    assert "gen_random_uuid()" in texts["PG302"]
    fixes = {d.code: d.fix for d in found}
    assert (
        fixes["PG101"] == "CREATE INDEX CONCURRENTLY t_c ON t(c); in a file headed by `-- atlas:txmode none`"
    )
    assert "PRIMARY KEY USING INDEX" in fixes["PG304"]
    assert "AddIndexConcurrently" in {d.code: d.hint for d in found}["PG101"]


def test_concurrent_index_options_turn_checks_off(dev: DevDatabase) -> None:
    sql = "CREATE INDEX t_c ON t (c);\nDROP INDEX t_v;\nCREATE INDEX CONCURRENTLY t_p ON t (p_id);\n"
    assert sorted(d.code for d in _lint(dev, sql)) == ["PG101", "PG102", "PG103"]
    for option, silenced in (("check_create", "PG101"), ("check_drop", "PG102"), ("check_txmode", "PG103")):
        policy = LintPolicy(analyzers={"concurrent_index": AnalyzerSettings(options={option: False})})
        codes = sorted(d.code for d in _lint(dev, sql, policy))
        assert silenced not in codes and len(codes) == 2, (option, codes)


def test_txmode_is_reported_once_per_file(dev: DevDatabase) -> None:
    """One ``-- atlas:txmode none`` header fixes every CONCURRENTLY statement: PG103 once, at the first."""
    sql = (
        "CREATE INDEX CONCURRENTLY t_c ON t (c);\n"
        "DROP INDEX CONCURRENTLY t_v;\n"
        "CREATE INDEX CONCURRENTLY t_p ON t (p_id);\n"
    )
    assert [(d.code, d.line) for d in _lint(dev, sql)] == [("PG103", 1)]
    # A statement's nolint does not use up the file's one report.
    sql = "CREATE TABLE n (id int);\n-- atlas:nolint PG103\n" + sql
    assert [(d.code, d.line) for d in _lint(dev, sql)] == [("PG103", 4)]


def test_blocking_changes_block_can_be_an_error(dev: DevDatabase) -> None:
    policy = LintPolicy(analyzers={"blocking_changes": AnalyzerSettings(error=True)})
    found = _lint(dev, "ALTER TABLE t ALTER COLUMN c TYPE bigint;\nCREATE INDEX t_c ON t (c);\n", policy)
    assert {(d.code, d.error) for d in found} == {("PG301", True), ("PG101", False)}


def test_nolint_by_analyzer_name(dev: DevDatabase) -> None:
    sql = (
        "-- atlas:nolint blocking_changes\n"
        "ALTER TABLE t ALTER COLUMN c TYPE bigint;\n"
        "CREATE INDEX t_c ON t (c);\n"
    )
    assert [d.code for d in _lint(dev, sql)] == ["PG101"]


def test_silent_on_sqlite() -> None:
    with open_dev("sqlite://dev?mode=memory") as dev:
        report = lint_files(
            dev,
            [("1.sql", "CREATE TABLE t (id integer PRIMARY KEY, c integer);")],
            [("2.sql", "CREATE INDEX t_c ON t (c);\nALTER TABLE t ADD COLUMN d integer CHECK (d > 0);\n")],
        )
    assert [d.code for d in report.diagnostics if d.code.startswith("PG")] == []
