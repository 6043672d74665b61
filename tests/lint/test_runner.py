"""The runner: nolint directives, policies, file errors, statement positions, runs inspected together, and
data checks on a real database (--url)."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
import servers
from lintkit import DEV_URLS, SQLITE, codes, lint, located, policy

from graticule.planner.devdb import open_dev
from graticule.planner.drivers import get_driver
from graticule.planner.lint.data import DataProbe
from graticule.planner.lint.policy import LintPolicy
from graticule.planner.lint.runner import lint_files, statement_nolint
from graticule.planner.migrate.split import split_statements
from graticule.planner.urls import parse_url

BASE = (
    "CREATE TABLE t (id int PRIMARY KEY, a int, b int);\nCREATE TABLE u (id int);\nCREATE TABLE v (id int);\n"
)
HAZARDS = "DROP TABLE u;\nALTER TABLE t DROP COLUMN a;\nCREATE UNIQUE INDEX t_b ON t (b);\n"


# ---- nolint -----------------------------------------------------------------------------------------------


def test_without_nolint_every_check_reports() -> None:
    assert located(lint(BASE, HAZARDS)) == [("DS102", 1), ("DS103", 2), ("MF101", 3)]


def test_file_nolint_alone_skips_the_whole_file() -> None:
    report = lint(BASE, "-- atlas:nolint\n\n" + HAZARDS)
    assert codes(report) == []
    assert not report.has_errors


@pytest.mark.parametrize(
    ("directive", "left"),
    [
        ("DS102", ["DS103", "MF101"]),
        ("DS102 MF101", ["DS103"]),
        ("destructive", ["MF101"]),
        ("data_depend DS103", ["DS102"]),
    ],
)
def test_file_nolint_with_codes_or_analyzer_names(directive: str, left: list[str]) -> None:
    assert codes(lint(BASE, f"-- atlas:nolint {directive}\n\n" + HAZARDS)) == left


def test_header_without_blank_line_is_the_first_statements_comment() -> None:
    """Atlas's rule: a header needs a blank line after it; otherwise the comment belongs to the statement."""
    report = lint(BASE, "-- atlas:nolint DS102\n" + HAZARDS)
    assert codes(report) == ["DS103", "MF101"]


def test_statement_nolint_covers_only_the_next_statement() -> None:
    sql = (
        "-- atlas:nolint\nDROP TABLE u;\nDROP TABLE v;\n"
        "-- some words\n-- atlas:nolint DS103\nALTER TABLE t DROP COLUMN a;\n"
    )
    assert located(lint(BASE, sql)) == [("DS102", 3)]


def test_statement_nolint_with_analyzer_name() -> None:
    sql = (
        "-- atlas:nolint destructive\nDROP TABLE u;\n"
        "-- atlas:nolint data_depend\nCREATE UNIQUE INDEX t_b ON t (b);\n"
    )
    assert codes(lint(BASE, sql)) == []


def test_statement_nolint_reads_comment_lines() -> None:
    (stmt,) = split_statements(
        "-- why: the table is empty\n-- atlas:nolint DS102 DS103\nDROP TABLE u;\n", "sqlite"
    )
    assert statement_nolint(stmt) == frozenset({"DS102", "DS103"})


# ---- policy -----------------------------------------------------------------------------------------------


def test_destructive_error_false_turns_the_error_into_a_warning() -> None:
    report = lint(BASE, "DROP TABLE u;\n", policy=policy(destructive={"error": False}))
    assert codes(report) == ["DS102"]
    assert not report.has_errors
    assert not report.diagnostics[0].error


def test_data_depend_error_true_fails() -> None:
    report = lint(BASE, "CREATE UNIQUE INDEX t_b ON t (b);\n", policy=policy(data_depend={"error": True}))
    assert report.has_errors and report.files[0].reports[0].error


def test_policy_from_hcl_lint_block(tmp_path: Path) -> None:
    from graticule.hcl import load_config

    config = tmp_path / "atlas.hcl"
    config.write_text(
        "lint {\n  destructive {\n    error = false\n  }\n}\n"
        'env "dev" {\n  url = "sqlite://x.db"\n  lint {\n    data_depend {\n      error = true\n    }\n'
        '    naming {\n      match = "^[a-z]+$"\n      index {\n        match = "^idx_"\n      }\n    }\n'
        "    review = WARNING\n  }\n}\n"
    )
    env = load_config(str(config), env="dev").envs[0]
    pol = LintPolicy.from_config(env.lint)
    report = lint(BASE, HAZARDS + "CREATE INDEX bad ON t (a);\n", policy=pol)
    errors = {d.code: d.error for d in report.diagnostics}
    # The env's block has analyzers, so the top-level `destructive { error = false }` is not inherited.
    assert errors == {"DS102": True, "DS103": True, "MF101": True, "NM104": False}
    assert pol.review == "WARNING"


# ---- positions, errors, runs ------------------------------------------------------------------------------


def test_diagnostics_point_at_their_statement_line_and_offset() -> None:
    text = "-- header comment\n\nCREATE TABLE n (id int);\n\n-- drop it\nDROP TABLE u;\n"
    report = lint(BASE, text)
    (diag,) = report.diagnostics
    assert (diag.file, diag.line) == ("2.sql", 6)
    assert text[diag.pos :].startswith("DROP TABLE u;")


def test_model_positions_and_hints_attach_by_table() -> None:
    report = lint(BASE, "ALTER TABLE t DROP COLUMN a;\nDROP TABLE v;\n", positions={"t": "app/models.py:7"})
    first, second = report.diagnostics
    assert first.model_pos == "app/models.py:7" and "two deploys" in first.hint
    assert second.model_pos is None


def test_a_failing_statement_is_the_files_error_with_file_and_line() -> None:
    report = lint(BASE, "DROP TABLE u;\nALTER TABLE missing ADD COLUMN x int;\n", "DROP TABLE v;\n")
    first = report.files[0]
    assert first.error is not None and first.error.startswith("2.sql:2: executing statement:")
    assert codes(report) == ["DS102"]  # what ran before the failure is still analyzed
    assert len(report.files) == 1  # later files are not linted on a database in an unknown state
    assert report.has_errors


def test_a_bad_directive_is_the_files_error() -> None:
    report = lint(BASE, "-- atlas:txmode sometimes\n\nDROP TABLE u;\n")
    assert "unknown txmode 'sometimes'" in report.files[0].error


def test_several_files_new_objects_stay_new_across_files() -> None:
    report = lint(BASE, "CREATE TABLE n (id int, x int);\n", "ALTER TABLE n DROP COLUMN x;\nDROP TABLE n;\n")
    assert codes(report) == []


def test_a_run_of_new_tables_is_attributed_per_statement() -> None:
    """Statements building new tables are inspected once per run: a table's changes (its indexes too) go to
    the statement that created it."""
    naming = policy(naming={"table": {"match": "^ok_"}, "index": {"match": "^idx_"}})
    sql = (
        "CREATE TABLE ok_a (id int);\nCREATE TABLE bad_b (id int);\n"
        "CREATE INDEX bad_i ON ok_a (id);\nDROP TABLE u;\n"
    )
    report = lint(BASE, sql, policy=naming)
    assert sorted(located(report)) == [("DS102", 4), ("NM102", 2), ("NM104", 1)]


def test_in_transaction_follows_txmode_and_dialect() -> None:
    seen: list[bool] = []
    from graticule.planner.lint import analyzers

    class Spy:
        name = "spy"
        codes = {"XX001": "spy"}
        dialects = None
        error_by_default = False
        report = "spy"

        def analyze(self, ctx, options):  # type: ignore[no-untyped-def]
            seen.append(ctx.in_transaction)
            return []

    analyzers.ANALYZERS.append(Spy())
    try:
        lint(
            BASE,
            "DROP TABLE u;\n",
            "-- atlas:txmode none\n\nDROP TABLE v;\nBEGIN;\nALTER TABLE t DROP COLUMN a;\nCOMMIT;\n",
        )
    finally:
        analyzers.ANALYZERS.pop()
    assert seen == [True, False, True, True, False]


def test_mariadb_dialect_is_told_apart(mysql_server: dict) -> None:
    report = lint(BASE, "DROP TABLE u;\n", dev=DEV_URLS["mariadb"])
    assert report.dialect == "mariadb"


# ---- data checks on a real database (--url) ---------------------------------------------------------------


def _probe_sqlite(path: Path) -> tuple[object, DataProbe]:
    target = get_driver("sqlite").connect(parse_url(f"sqlite://{path}"), readonly=True)
    return target, DataProbe(target.conn, target.schema, "sqlite")


def test_url_counts_duplicates_nulls_and_rows_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "prod.db"
    conn = sqlite3.connect(db)
    conn.executescript(BASE + "INSERT INTO t VALUES (1, NULL, 5), (2, NULL, 5), (3, 1, 5), (4, 2, 6);")
    conn.close()
    target, probe = _probe_sqlite(db)
    try:
        with open_dev(SQLITE) as dev:
            report = lint_files(
                dev,
                [("1.sql", BASE)],
                [
                    (
                        "2.sql",
                        "CREATE UNIQUE INDEX t_b ON t (b);\nCREATE UNIQUE INDEX t_a ON t (a);\n"
                        "CREATE TABLE `new_t` (`id` int PRIMARY KEY, `a` int NOT NULL, `b` int,"
                        " `c` int NOT NULL);\n"
                        "INSERT INTO `new_t` (`id`, `a`, `b`, `c`) SELECT `id`, `a`, `b`, 0 FROM `t`;\n"
                        "DROP TABLE `t`;\nALTER TABLE `new_t` RENAME TO `t`;\n",
                    )
                ],
                data=probe,
            )
    finally:
        target.close()
    texts = {d.code: d.text for d in report.diagnostics}
    assert (
        texts["MF101"].endswith("(2 duplicate rows found in the --url database)") or "t_a" in texts["MF101"]
    )
    mf101 = [d.text for d in report.diagnostics if d.code == "MF101"]
    assert any(t.endswith("(2 duplicate rows found in the --url database)") for t in mf101)  # b: 5,5,5
    assert any(t.endswith("(no duplicates in the --url database)") for t in mf101)  # a: NULLs are distinct
    assert texts["LT101"].endswith("(2 NULL values found in the --url database)")
    assert texts["MF103"].endswith("(4 rows found in the --url database)")
    # The target is opened read-only: nothing was written to it.
    assert sqlite3.connect(db).execute("SELECT count(*) FROM t").fetchone() == (4,)


def test_url_table_missing_in_target_keeps_the_plain_warning(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    sqlite3.connect(db).execute("CREATE TABLE other (x int)").connection.close()
    target, probe = _probe_sqlite(db)
    try:
        with open_dev(SQLITE) as dev:
            report = lint_files(
                dev, [("1.sql", BASE)], [("2.sql", "CREATE UNIQUE INDEX t_b ON t (b);\n")], data=probe
            )
    finally:
        target.close()
    assert report.diagnostics[0].text.endswith("contains duplicate entries")


def test_url_counts_on_postgresql(postgres_server: dict) -> None:
    import psycopg

    name = f"graticule_lint_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(**postgres_server, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(**{**postgres_server, "dbname": name}, autocommit=True) as conn:
            conn.execute(BASE + "INSERT INTO t VALUES (1, NULL, 5), (2, 3, 5), (3, NULL, 6);")
        url = servers.POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
        target = get_driver("postgresql").connect(parse_url(url), readonly=True)
        try:
            probe = DataProbe(target.conn, target.schema, "postgresql")
            with open_dev(DEV_URLS["postgresql"]) as dev:
                report = lint_files(
                    dev,
                    [("1.sql", BASE)],
                    [
                        (
                            "2.sql",
                            "CREATE UNIQUE INDEX t_b ON t (b);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;\n"
                            "ALTER TABLE t ADD COLUMN c int NOT NULL;\n",
                        )
                    ],
                    data=probe,
                )
        finally:
            target.close()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    texts = {d.code: d.text for d in report.diagnostics}
    assert texts["MF101"].endswith("(1 duplicate row found in the --url database)")
    assert texts["MF104"].endswith("(2 NULL values found in the --url database)")
    assert texts["MF103"].endswith("(3 rows found in the --url database)")


def test_url_counts_on_mariadb(mysql_server: dict) -> None:
    import pymysql

    name = f"graticule_lint_{uuid.uuid4().hex[:10]}"
    admin = pymysql.connect(**mysql_server, autocommit=True)
    try:
        with admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}`")
            cur.execute(f"CREATE TABLE `{name}`.t (id int PRIMARY KEY, a int, b int)")
            cur.execute(f"INSERT INTO `{name}`.t VALUES (1, NULL, 5), (2, NULL, 5), (3, 1, 6)")
        url = servers.MYSQL_URL.rsplit("/", 1)[0] + f"/{name}"
        target = get_driver("mysql").connect(parse_url(url), readonly=True)
        try:
            probe = DataProbe(target.conn, target.schema, "mariadb")
            with open_dev(DEV_URLS["mariadb"]) as dev:
                report = lint_files(
                    dev,
                    [("1.sql", BASE)],
                    [
                        (
                            "2.sql",
                            "CREATE UNIQUE INDEX t_b ON t (b);\nALTER TABLE t MODIFY a int NOT NULL;\n"
                            "ALTER TABLE t ADD COLUMN c int NOT NULL;\n",
                        )
                    ],
                    data=probe,
                )
        finally:
            target.close()
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()
    texts = {d.code: d.text for d in report.diagnostics}
    assert texts["MF101"].endswith("(1 duplicate row found in the --url database)")
    assert texts["MF104"].endswith("(2 NULL values found in the --url database)")
    assert texts["MY101"].endswith("(3 rows found in the --url database)")
