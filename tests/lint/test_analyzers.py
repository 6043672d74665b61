"""Each analyzer family on every engine it applies to, through the real runner on real dev databases."""

from __future__ import annotations

import pytest
from lintkit import DEV_URLS, codes, lint, located, policy

from graticule.planner.lint.report import LintReport

BASE = "CREATE TABLE t (id int PRIMARY KEY, a int, b int);\n"


def diags(report: LintReport, code: str) -> list[str]:
    return [d.text for d in report.diagnostics if d.code == code]


# ---- destructive ------------------------------------------------------------------------------------------


def test_ds102_table_dropped(dev_url: str) -> None:
    report = lint(BASE + "CREATE TABLE u (id int);\n", "DROP TABLE u;\n", dev=dev_url)
    assert located(report) == [("DS102", 1)]
    assert diags(report, "DS102") == ['Dropping table "u"']
    diag = report.diagnostics[0]
    assert diag.fix == 'Add a pre-migration check to ensure table "u" is empty before dropping it'
    assert diag.error and report.has_errors  # destructive is an error by default


def test_ds102_not_for_a_table_the_linted_files_created(dev_url: str) -> None:
    report = lint(BASE, "CREATE TABLE tmp (id int);\n", "DROP TABLE tmp;\n", dev=dev_url)
    assert codes(report) == []
    assert not report.has_errors


def test_ds103_column_dropped(dev_url: str) -> None:
    report = lint(BASE, "ALTER TABLE t ADD COLUMN c int;\nALTER TABLE t DROP COLUMN a;\n", dev=dev_url)
    assert located(report) == [("DS103", 2)]
    assert diags(report, "DS103") == ['Dropping non-virtual column "a"']


def test_ds103_not_for_a_column_added_by_the_linted_files(dev_url: str) -> None:
    report = lint(BASE, "ALTER TABLE t ADD COLUMN c int;\n", "ALTER TABLE t DROP COLUMN c;\n", dev=dev_url)
    assert codes(report) == []


@pytest.mark.parametrize("server_engine", ["postgresql", "mariadb"], indirect=True)
def test_ds103_several_columns_in_one_statement(server_engine: str) -> None:
    report = lint(BASE, "ALTER TABLE t DROP COLUMN a, DROP COLUMN b;\n", dev=DEV_URLS[server_engine])
    assert diags(report, "DS103") == ['Dropping non-virtual columns "a" and "b"']
    assert report.diagnostics[0].fix == (
        'Add pre-migration checks to ensure columns "a" and "b" are NULL before dropping them'
    )


def test_ds101_not_for_a_schema_the_linted_files_created(postgres_server: dict) -> None:
    sql = "CREATE SCHEMA lint_ds101_tmp;\nDROP SCHEMA lint_ds101_tmp;\n"
    assert codes(lint(BASE, sql, dev=DEV_URLS["postgresql"])) == []


def test_ds101_schema_dropped(postgres_server: dict) -> None:
    report = lint(
        BASE + "CREATE SCHEMA lint_ds101_other;\n",
        "DROP SCHEMA lint_ds101_other;\n",
        dev=DEV_URLS["postgresql"],
    )
    assert diags(report, "DS101") == ['Dropping schema "lint_ds101_other"']


def test_ds103_sqlite_rebuild_is_one_step() -> None:
    """graticule's own SQLite plan for a dropped column: one DS103 at the rebuild, no DS102 for the copy."""
    rebuild = (
        "PRAGMA foreign_keys = off;\n"
        "CREATE TABLE `new_t` (`id` int PRIMARY KEY, `b` int);\n"
        "INSERT INTO `new_t` (`id`, `b`) SELECT `id`, `b` FROM `t`;\n"
        "DROP TABLE `t`;\n"
        "ALTER TABLE `new_t` RENAME TO `t`;\n"
        "CREATE UNIQUE INDEX `t_b` ON `t` (`b`);\n"
        "PRAGMA foreign_keys = on;\n"
    )
    report = lint(BASE + "CREATE UNIQUE INDEX t_b ON t (b);\n", rebuild)
    assert located(report) == [("DS103", 2)]
    assert diags(report, "DS103") == ['Dropping non-virtual column "a"']


# ---- data_depend ------------------------------------------------------------------------------------------


def test_mf101_unique_index_on_existing_column(dev_url: str) -> None:
    report = lint(BASE, "CREATE UNIQUE INDEX t_a ON t (a);\n", dev=dev_url)
    assert diags(report, "MF101") == [
        'Adding a unique index "t_a" on table "t" might fail in case column "a" contains duplicate entries'
    ]
    assert not report.has_errors  # data_depend warns by default


def test_mf101_names_every_existing_column(dev_url: str) -> None:
    """Atlas's wording for a composite unique index: "columns "a", "b" contain" (found on the evolution's
    UniqueConstraint(fields=["question", "choice_text"]), which named only the first column)."""
    report = lint(BASE, "CREATE UNIQUE INDEX t_ab ON t (a, b);\n", dev=dev_url)
    assert diags(report, "MF101") == [
        'Adding a unique index "t_ab" on table "t" might fail in case columns "a", "b" contain duplicate '
        "entries"
    ]
    report = lint(
        BASE, "ALTER TABLE t ADD COLUMN c int;\nCREATE UNIQUE INDEX t_ac ON t (a, c);\n", dev=dev_url
    )
    assert diags(report, "MF101") == [
        'Adding a unique index "t_ac" on table "t" might fail in case column "a" contains duplicate entries'
    ]


def test_mf101_not_on_a_column_added_in_the_linted_files(dev_url: str) -> None:
    report = lint(BASE, "ALTER TABLE t ADD COLUMN c int;\nCREATE UNIQUE INDEX t_c ON t (c);\n", dev=dev_url)
    assert codes(report) == []


def test_mf102_index_made_unique(dev_url: str) -> None:
    drop = "DROP INDEX t_a ON t;\n" if dev_url.startswith("mysql") else "DROP INDEX t_a;\n"
    report = lint(
        BASE + "CREATE INDEX t_a ON t (a);\n", drop + "CREATE UNIQUE INDEX t_a ON t (a);\n", dev=dev_url
    )
    assert located(report) == [("MF102", 2)]
    assert diags(report, "MF102") == [
        'Modifying an index "t_a" on table "t" might fail in case of duplicate entries'
    ]


def test_mf103_not_null_column_without_default(postgres_server: dict) -> None:
    report = lint(BASE, "ALTER TABLE t ADD COLUMN c integer NOT NULL;\n", dev=DEV_URLS["postgresql"])
    assert diags(report, "MF103") == [
        'Adding a non-nullable "integer" column "c" will fail in case table "t" is not empty'
    ]
    assert report.diagnostics[0].hint.startswith("add db_default= to the field")


@pytest.mark.parametrize(
    "column",
    ["c integer NOT NULL DEFAULT 0", "c integer", "c serial", "c integer GENERATED ALWAYS AS IDENTITY"],
)
def test_mf103_not_for_columns_rows_can_fill(postgres_server: dict, column: str) -> None:
    report = lint(BASE, f"ALTER TABLE t ADD COLUMN {column};\n", dev=DEV_URLS["postgresql"])
    assert "MF103" not in codes(report)


def test_mf103_sqlite_rebuild() -> None:
    rebuild = (
        "CREATE TABLE `new_t` (`id` int PRIMARY KEY, `a` int, `b` int, `c` int NOT NULL);\n"
        "INSERT INTO `new_t` (`id`, `a`, `b`) SELECT `id`, `a`, `b` FROM `t`;\n"
        "DROP TABLE `t`;\n"
        "ALTER TABLE `new_t` RENAME TO `t`;\n"
    )
    report = lint(BASE, rebuild)
    assert located(report) == [("MF103", 1)]


def test_mf103_not_for_a_new_table(dev_url: str) -> None:
    report = lint(
        BASE, "CREATE TABLE n (id int);\nALTER TABLE n ADD COLUMN c int NOT NULL DEFAULT 1;\n", dev=dev_url
    )
    assert codes(report) == []


def test_mf104_nullable_to_not_null(postgres_server: dict) -> None:
    report = lint(BASE, "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n", dev=DEV_URLS["postgresql"])
    assert diags(report, "MF104") == [
        'Modifying nullable column "a" to non-nullable might fail in case it contains NULL values'
    ]


def test_mf104_mariadb(mysql_server: dict) -> None:
    report = lint(BASE, "ALTER TABLE t MODIFY a int NOT NULL;\n", dev=DEV_URLS["mariadb"])
    assert codes(report) == ["MF104"]


def test_lt101_sqlite_rebuild_to_not_null() -> None:
    rebuild = (
        "CREATE TABLE `new_t` (`id` int PRIMARY KEY, `a` int NOT NULL, `b` int);\n"
        "INSERT INTO `new_t` (`id`, `a`, `b`) SELECT `id`, `a`, `b` FROM `t`;\n"
        "DROP TABLE `t`;\n"
        "ALTER TABLE `new_t` RENAME TO `t`;\n"
    )
    report = lint(BASE, rebuild)
    assert diags(report, "LT101") == [
        'Modifying nullable column "a" to non-nullable without default value might fail in case it contains '
        "NULL values"
    ]
    assert "MF104" not in codes(report)


def test_lt101_not_with_a_default() -> None:
    rebuild = (
        "CREATE TABLE `new_t` (`id` int PRIMARY KEY, `a` int NOT NULL DEFAULT 0, `b` int);\n"
        "INSERT INTO `new_t` (`id`, `a`, `b`) SELECT `id`, IFNULL(`a`, 0), `b` FROM `t`;\n"
        "DROP TABLE `t`;\n"
        "ALTER TABLE `new_t` RENAME TO `t`;\n"
    )
    assert codes(lint(BASE, rebuild)) == []


# ---- MySQL / MariaDB --------------------------------------------------------------------------------------


def test_my101_not_null_without_default(mysql_server: dict) -> None:
    report = lint(
        BASE,
        "ALTER TABLE t ADD COLUMN c int NOT NULL, ADD COLUMN d varchar(10) NOT NULL;\n",
        dev=DEV_URLS["mariadb"],
    )
    assert diags(report, "MY101") == [
        'Adding a non-nullable "int(11)" column "c" on table "t" without a default value implicitly sets '
        "existing rows with 0",
        'Adding a non-nullable "varchar(10)" column "d" on table "t" without a default value implicitly sets '
        'existing rows with ""',
    ]
    assert "MF103" not in codes(report)


def test_my102_not_reported_when_mariadb_creates_the_key(mysql_server: dict) -> None:
    """MariaDB 10.5+ honours inline REFERENCES: the table has the key, nothing to report."""
    report = lint(BASE, "CREATE TABLE c (id int, t_id int REFERENCES t (id));\n", dev=DEV_URLS["mariadb"])
    assert codes(report) == []


def test_my102_reported_when_the_server_ignored_the_clause() -> None:
    """MySQL's behaviour, on the statement and the table it left (no foreign key)."""
    import sqlglot

    from graticule.planner.lint.analyzers.mysql import inline_references
    from graticule.planner.lint.context import StatementContext
    from graticule.planner.migrate.split import FileStatement
    from graticule.planner.schema import Column, Schema, Table

    sql = "CREATE TABLE c (id int, t_id int REFERENCES t (id))"
    after = Schema("db", [Table("c", [Column("id", "int"), Column("t_id", "int")])])
    ctx = StatementContext(
        dialect="mysql",
        file="2.sql",
        stmt=FileStatement(sql + ";", 1, 0),
        expr=sqlglot.parse_one(sql, read="mysql"),
        before=Schema("db"),
        after=after,
        changes=[],
        in_transaction=False,
    )
    found = list(inline_references(ctx, {}))
    assert [d.code for d in found] == ["MY102"]
    assert '"t_id"' in found[0].text


# ---- incompatible -----------------------------------------------------------------------------------------


def test_bc101_table_renamed(dev_url: str) -> None:
    report = lint(BASE, "ALTER TABLE t RENAME TO t2;\n", dev=dev_url)
    assert located(report) == [("BC101", 1)]  # no DS102: the rows are still there
    assert diags(report, "BC101") == ['Renaming table "t" to "t2"']


def test_bc101_mysql_rename_table(mysql_server: dict) -> None:
    report = lint(BASE, "RENAME TABLE t TO t2;\n", dev=DEV_URLS["mariadb"])
    assert diags(report, "BC101") == ['Renaming table "t" to "t2"']


def test_bc102_column_renamed(dev_url: str) -> None:
    report = lint(BASE, "ALTER TABLE t RENAME COLUMN a TO a2;\n", dev=dev_url)
    assert diags(report, "BC102") == ['Renaming column "a" to "a2"']
    # The diff sees a dropped column and an added one; the statement says it is a rename (data kept).
    assert codes(report) == ["BC102"]


def test_bc102_mysql_change_column(mysql_server: dict) -> None:
    report = lint(BASE, "ALTER TABLE t CHANGE a a2 int;\n", dev=DEV_URLS["mariadb"])
    assert "BC102" in codes(report)


def test_bc102_not_when_the_old_name_is_added_back(dev_url: str) -> None:
    report = lint(
        BASE, "ALTER TABLE t RENAME COLUMN a TO a2;\nALTER TABLE t ADD COLUMN a int;\n", dev=dev_url
    )
    assert "BC102" not in codes(report)


def test_bc_renames_of_new_objects_are_fine(dev_url: str) -> None:
    report = lint(
        BASE,
        "CREATE TABLE n (id int, x int);\nALTER TABLE n RENAME COLUMN x TO y;\nALTER TABLE n RENAME TO n2;\n",
        dev=dev_url,
    )
    assert codes(report) == []


# ---- condrop ----------------------------------------------------------------------------------------------

PARENT_CHILD = (
    "CREATE TABLE p (id int PRIMARY KEY);\n"
    "CREATE TABLE c (id int PRIMARY KEY, p_id int, CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id));\n"
)


@pytest.mark.parametrize("server_engine", ["postgresql", "mariadb"], indirect=True)
def test_cd101_foreign_key_dropped(server_engine: str) -> None:
    drop = (
        "ALTER TABLE c DROP FOREIGN KEY c_p;\n"
        if server_engine == "mariadb"
        else "ALTER TABLE c DROP CONSTRAINT c_p;\n"
    )
    report = lint(PARENT_CHILD, drop, dev=DEV_URLS[server_engine])
    assert diags(report, "CD101") == ['Dropping foreign-key constraint "c_p"']


@pytest.mark.parametrize("server_engine", ["postgresql", "mariadb"], indirect=True)
def test_cd101_not_when_the_column_goes_too(server_engine: str) -> None:
    sql = (
        "ALTER TABLE c DROP FOREIGN KEY c_p, DROP COLUMN p_id;\n"
        if server_engine == "mariadb"
        else "ALTER TABLE c DROP CONSTRAINT c_p, DROP COLUMN p_id;\n"
    )
    report = lint(PARENT_CHILD, sql, dev=DEV_URLS[server_engine])
    assert codes(report) == ["DS103"]


def test_cd101_sqlite_rebuild() -> None:
    rebuild = (
        "PRAGMA foreign_keys = off;\n"
        "CREATE TABLE `new_c` (`id` int PRIMARY KEY, `p_id` int);\n"
        "INSERT INTO `new_c` (`id`, `p_id`) SELECT `id`, `p_id` FROM `c`;\n"
        "DROP TABLE `c`;\n"
        "ALTER TABLE `new_c` RENAME TO `c`;\n"
        "PRAGMA foreign_keys = on;\n"
    )
    report = lint(PARENT_CHILD, rebuild)
    assert codes(report) == ["CD101"]


def test_cd101_not_for_a_foreign_key_retargeted_on_the_same_columns() -> None:
    """A db_table change rebuilds the child with its key on the new table's name: the column stays
    constrained (the dropped parent is DS102's business)."""
    rebuild = (
        "PRAGMA foreign_keys = off;\n"
        "CREATE TABLE `new_c` (`id` int PRIMARY KEY, `p_id` int,\n"
        "  FOREIGN KEY (`p_id`) REFERENCES `p2` (`id`));\n"
        "INSERT INTO `new_c` (`id`, `p_id`) SELECT `id`, `p_id` FROM `c`;\n"
        "DROP TABLE `c`;\n"
        "ALTER TABLE `new_c` RENAME TO `c`;\n"
        "DROP TABLE `p`;\n"
        "CREATE TABLE `p2` (`id` int PRIMARY KEY);\n"
        "PRAGMA foreign_keys = on;\n"
    )
    report = lint(PARENT_CHILD, rebuild)
    assert located(report) == [("DS102", 7)]


@pytest.mark.parametrize("server_engine", ["postgresql", "mariadb"], indirect=True)
def test_cd101_not_when_a_later_statement_adds_the_key_back(server_engine: str) -> None:
    drop = "DROP FOREIGN KEY" if server_engine == "mariadb" else "DROP CONSTRAINT"
    sql = (
        f"ALTER TABLE c {drop} c_p;\n"
        "CREATE TABLE p2 (id int PRIMARY KEY);\n"
        "ALTER TABLE c ADD CONSTRAINT c_p2 FOREIGN KEY (p_id) REFERENCES p2 (id);\n"
    )
    report = lint(PARENT_CHILD, sql, dev=DEV_URLS[server_engine])
    assert "CD101" not in codes(report)


# ---- naming -----------------------------------------------------------------------------------------------


def test_naming_off_by_default(dev_url: str) -> None:
    assert codes(lint(BASE, "CREATE TABLE BadName (Id int);\n", dev=dev_url)) == []


def test_naming_patterns_per_object(dev_url: str) -> None:
    naming = policy(
        naming={
            "match": "^[a-z_]+$",
            "message": "must be lower snake case",
            "index": {"match": "^idx_", "message": "must start with idx_"},
            "foreign_key": {"match": "^fk_"},
            "check": {"match": "^ck_"},
        }
    )
    sql = (
        "CREATE TABLE bad2 (id int PRIMARY KEY, col2 int, CONSTRAINT wrong_ck CHECK (id > 0));\n"
        "CREATE INDEX bad_index ON t (a);\n"
        "CREATE INDEX idx_ok ON t (b);\n"
        "ALTER TABLE t ADD COLUMN new_col2 int;\n"
        "CREATE TABLE r (id int PRIMARY KEY, t_id int,"
        " CONSTRAINT r_t FOREIGN KEY (t_id) REFERENCES t (id));\n"
        "ALTER TABLE t RENAME COLUMN b TO b2;\n"
    )
    report = lint(BASE, sql, dev=dev_url, policy=naming)
    texts = {(d.code, d.line): d.text for d in report.diagnostics}
    assert texts[("NM102", 1)] == 'Table named "bad2" violates the naming policy: must be lower snake case'
    assert texts[("NM103", 1)] == 'Column named "col2" violates the naming policy: must be lower snake case'
    assert texts[("NM106", 1)] == 'Check constraint named "wrong_ck" violates the naming policy'
    assert texts[("NM104", 2)] == 'Index named "bad_index" violates the naming policy: must start with idx_'
    assert (
        texts[("NM103", 4)] == 'Column named "new_col2" violates the naming policy: must be lower snake case'
    )
    assert texts[("NM105", 5)] == 'Foreign-key constraint named "r_t" violates the naming policy'
    assert texts[("NM103", 6)] == 'Column named "b2" violates the naming policy: must be lower snake case'
    assert ("NM104", 3) not in texts
    assert not report.has_errors


def test_naming_schema_and_renamed_table(postgres_server: dict) -> None:
    naming = policy(naming={"match": "^[a-z_]+$"})
    # PostgreSQL folds unquoted names to lower case: only the quoted spelling keeps its capitals.
    report = lint(
        BASE,
        'CREATE SCHEMA Lint_Folded;\nCREATE SCHEMA "Lint_Quoted";\nDROP SCHEMA lint_folded;\n'
        'DROP SCHEMA "Lint_Quoted";\nALTER TABLE t RENAME TO "T2";\n',
        dev=DEV_URLS["postgresql"],
        policy=naming,
    )
    assert sorted(located(report)) == [("BC101", 5), ("NM101", 2), ("NM102", 5)]


def test_naming_invalid_pattern_is_a_clear_error() -> None:
    from graticule.planner.errors import GraticuleError

    with pytest.raises(GraticuleError, match=r"lint naming.index: invalid match pattern '\('"):
        lint(BASE, "CREATE INDEX x ON t (a);\n", policy=policy(naming={"index": {"match": "("}}))
