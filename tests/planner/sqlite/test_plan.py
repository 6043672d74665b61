"""The SQLite planner: Atlas's statements and comments, in-place changes where SQLite allows them, and table
rebuilds that keep rows — checked as text and by running the plans on real SQLite databases."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from graticule.planner.changes import (
    AddColumn,
    AddForeignKey,
    AddIndex,
    AddTable,
    ColumnChange,
    DropColumn,
    DropIndex,
    DropTable,
    ModifyColumn,
    ModifyTable,
)
from graticule.planner.drivers.sqlite.plan import alterable, default_sql, plan_changes
from graticule.planner.schema import (
    CASCADE,
    SET_NULL,
    Check,
    Column,
    ForeignKey,
    Generated,
    Index,
    IndexPart,
    PrimaryKey,
    Table,
)

from .helpers import migrate


def script(statements, indent: str = "") -> str:
    """Atlas's migration file layout: ``-- comment`` then the statement and ``;``."""
    return "".join(f"-- {s.comment}\n{s.sql(indent)};\n" for s in statements)


def question() -> Table:
    return Table(
        "polls_question",
        [
            Column("id", "integer", nullable=False),
            Column("question_text", "varchar(200)", nullable=False),
            Column("pub_date", "datetime", nullable=False),
        ],
        PrimaryKey(["id"], auto_increment=True),
    )


def choice() -> Table:
    return Table(
        "polls_choice",
        [
            Column("id", "integer", nullable=False),
            Column("choice_text", "varchar(200)", nullable=False),
            Column("votes", "integer", nullable=False),
            Column("question_id", "bigint", nullable=False),
        ],
        PrimaryKey(["id"], auto_increment=True),
        indexes=[Index("polls_choice_question_id_c5b4b260", [IndexPart("question_id")])],
        foreign_keys=[
            ForeignKey(
                None, ["question_id"], "polls_question", ["id"], deferrable=True, initially_deferred=True
            )
        ],
    )


# ---- statements as text ------------------------------------------------------------------------------------


def test_create_tables_compact_and_indented():
    statements = plan_changes([AddTable(question()), AddTable(choice())])
    assert script(statements) == (
        '-- Create "polls_question" table\n'
        "CREATE TABLE `polls_question` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
        "`question_text` varchar(200) NOT NULL, `pub_date` datetime NOT NULL);\n"
        '-- Create "polls_choice" table\n'
        "CREATE TABLE `polls_choice` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
        "`choice_text` varchar(200) NOT NULL, `votes` integer NOT NULL, `question_id` bigint NOT NULL, "
        "FOREIGN KEY (`question_id`) REFERENCES `polls_question` (`id`) "
        "ON UPDATE NO ACTION ON DELETE NO ACTION DEFERRABLE INITIALLY DEFERRED);\n"
        '-- Create index "polls_choice_question_id_c5b4b260" to table: "polls_choice"\n'
        "CREATE INDEX `polls_choice_question_id_c5b4b260` ON `polls_choice` (`question_id`);\n"
    )
    assert script(statements[:1], "  ") == (
        '-- Create "polls_question" table\n'
        "CREATE TABLE `polls_question` (\n"
        "  `id` integer NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
        "  `question_text` varchar(200) NOT NULL,\n"
        "  `pub_date` datetime NOT NULL\n"
        ");\n"
    )


def test_create_table_with_every_clause():
    t = Table(
        "t",
        [
            Column("a", "integer", nullable=False),
            Column("b", "text", nullable=False),
            Column("name", "text", default="'x'", collation="NOCASE"),
            Column("at", "datetime", nullable=False, default="CURRENT_TIMESTAMP"),
            Column("score", "real", default="abs(-1)"),
            Column("twice", "integer", generated=Generated("a * 2", stored=True)),
            Column("half", "integer", generated=Generated("a / 2")),
            Column("p_id", "integer"),
        ],
        PrimaryKey(["a", "b"]),
        indexes=[
            Index(None, [IndexPart("name")], unique=True, constraint=True),
            Index("t_pair", [IndexPart("b"), IndexPart("name", desc=True)], unique=True, constraint=True),
            Index("t_lower", [IndexPart(expr="lower(name)"), IndexPart("at", desc=True)], predicate="a > 0"),
            Index("t_score", [IndexPart("score")], unique=True),
        ],
        foreign_keys=[ForeignKey("t_p", ["p_id"], "p", ["id"], on_update=CASCADE, on_delete=SET_NULL)],
        checks=[Check(None, "a > 0"), Check("short", "length(b) < 10")],
        options={"without_rowid": True, "strict": False},
    )
    assert script(plan_changes([AddTable(t)]), "  ") == (
        '-- Create "t" table\n'
        "CREATE TABLE `t` (\n"
        "  `a` integer NOT NULL,\n"
        "  `b` text NOT NULL,\n"
        "  `name` text NULL DEFAULT 'x' COLLATE NOCASE,\n"
        "  `at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
        "  `score` real NULL DEFAULT (abs(-1)),\n"
        "  `twice` integer NULL GENERATED ALWAYS AS (a * 2) STORED,\n"
        "  `half` integer NULL GENERATED ALWAYS AS (a / 2) VIRTUAL,\n"
        "  `p_id` integer NULL,\n"
        "  PRIMARY KEY (`a`, `b`),\n"
        "  UNIQUE (`name`),\n"
        "  CONSTRAINT `t_pair` UNIQUE (`b`, `name` DESC),\n"
        "  CONSTRAINT `t_p` FOREIGN KEY (`p_id`) REFERENCES `p` (`id`) "
        "ON UPDATE CASCADE ON DELETE SET NULL,\n"
        "  CHECK (a > 0),\n"
        "  CONSTRAINT `short` CHECK (length(b) < 10)\n"
        ") WITHOUT ROWID;\n"
        '-- Create index "t_lower" to table: "t"\n'
        "CREATE INDEX `t_lower` ON `t` (lower(name), `at` DESC) WHERE a > 0;\n"
        '-- Create index "t_score" to table: "t"\n'
        "CREATE UNIQUE INDEX `t_score` ON `t` (`score`);\n"
    )


def test_drop_table_runs_without_foreign_key_enforcement():
    assert script(plan_changes([DropTable(choice())])) == (
        "-- Disable the enforcement of foreign-keys constraints\n"
        "PRAGMA foreign_keys = off;\n"
        '-- Drop "polls_choice" table\n'
        "DROP TABLE `polls_choice`;\n"
        "-- Enable back the enforcement of foreign-keys constraints\n"
        "PRAGMA foreign_keys = on;\n"
    )


def test_add_column_in_place():
    old = question()
    column = Column("question_type", "varchar(20)")
    new = replace(old, columns=[*old.columns, column])
    assert script(plan_changes([ModifyTable(old, new, [AddColumn(column)])])) == (
        '-- Add column "question_type" to table: "polls_question"\n'
        "ALTER TABLE `polls_question` ADD COLUMN `question_type` varchar(20) NULL;\n"
    )


def test_add_and_drop_indexes_in_place():
    old = replace(choice(), indexes=[])
    new = replace(
        choice(),
        indexes=[
            Index("by_text", [IndexPart(expr="lower(choice_text)")], unique=True, predicate="votes > 0"),
        ],
    )
    assert script(plan_changes([ModifyTable(choice(), old, [DropIndex(choice().indexes[0])])])) == (
        '-- Drop index "polls_choice_question_id_c5b4b260" from table: "polls_choice"\n'
        "DROP INDEX `polls_choice_question_id_c5b4b260`;\n"
    )
    assert script(plan_changes([ModifyTable(old, new, [AddIndex(new.indexes[0])])])) == (
        '-- Create index "by_text" to table: "polls_choice"\n'
        "CREATE UNIQUE INDEX `by_text` ON `polls_choice` (lower(choice_text)) WHERE votes > 0;\n"
    )


def test_rebuild_statements():
    old = choice()
    votes = old.columns[2]
    new_votes = replace(votes, nullable=False, default="0")
    old_votes = replace(votes, nullable=True)
    old = replace(old, columns=[*old.columns[:2], old_votes, old.columns[3]])
    new = replace(old, columns=[old.columns[0], new_votes, old.columns[3]])
    changes = [
        DropColumn(old.columns[1]),
        ModifyColumn(old_votes, new_votes, ColumnChange.NULL | ColumnChange.DEFAULT),
    ]
    assert script(plan_changes([ModifyTable(old, new, changes)])) == (
        "-- Disable the enforcement of foreign-keys constraints\n"
        "PRAGMA foreign_keys = off;\n"
        '-- Create "new_polls_choice" table\n'
        "CREATE TABLE `new_polls_choice` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
        "`votes` integer NOT NULL DEFAULT 0, `question_id` bigint NOT NULL, "
        "FOREIGN KEY (`question_id`) REFERENCES `polls_question` (`id`) "
        "ON UPDATE NO ACTION ON DELETE NO ACTION DEFERRABLE INITIALLY DEFERRED);\n"
        '-- Copy rows from old table "polls_choice" to new temporary table "new_polls_choice"\n'
        "INSERT INTO `new_polls_choice` (`id`, `votes`, `question_id`) "
        "SELECT `id`, IFNULL(`votes`, 0) AS `votes`, `question_id` FROM `polls_choice`;\n"
        '-- Drop "polls_choice" table after copying rows\n'
        "DROP TABLE `polls_choice`;\n"
        '-- Rename temporary table "new_polls_choice" to "polls_choice"\n'
        "ALTER TABLE `new_polls_choice` RENAME TO `polls_choice`;\n"
        '-- Create index "polls_choice_question_id_c5b4b260" to table: "polls_choice"\n'
        "CREATE INDEX `polls_choice_question_id_c5b4b260` ON `polls_choice` (`question_id`);\n"
        "-- Enable back the enforcement of foreign-keys constraints\n"
        "PRAGMA foreign_keys = on;\n"
    )


def test_rebuilds_and_drops_share_one_pragma_pair():
    def retyped(t: Table) -> ModifyTable:
        old_col = t.columns[1]
        new_col = replace(old_col, type="text")
        new = replace(t, columns=[t.columns[0], new_col, *t.columns[2:]])
        return ModifyTable(t, new, [ModifyColumn(old_col, new_col, ColumnChange.TYPE)])

    statements = plan_changes(
        [DropTable(Table("gone", [Column("x", "int")])), retyped(question()), retyped(choice())]
    )
    sql = [s.sql() for s in statements]
    assert sql.count("PRAGMA foreign_keys = off") == 1 and sql.count("PRAGMA foreign_keys = on") == 1
    assert sql[0] == "PRAGMA foreign_keys = off" and sql[-1] == "PRAGMA foreign_keys = on"


def test_generated_columns_are_not_copied_in_a_rebuild():
    old = Table("t", [Column("a", "int"), Column("b", "int")])
    g = Column("g", "int", generated=Generated("a + 1", stored=True))
    new = Table("t", [Column("a", "int"), g])
    copy = next(
        s
        for s in plan_changes([ModifyTable(old, new, [DropColumn(old.columns[1]), AddColumn(g)])])
        if s.sql().startswith("INSERT")
    )
    assert copy.sql() == "INSERT INTO `new_t` (`a`) SELECT `a` FROM `t`"


@pytest.mark.parametrize(
    ("column", "in_place"),
    [
        (Column("c", "text"), True),
        (Column("c", "int", nullable=False, default="0"), True),
        (Column("c", "int", nullable=False, default="-1"), True),
        (Column("c", "text", nullable=False, default="'it''s'"), True),
        (Column("c", "blob", default="X'00'"), True),
        (Column("c", "int", generated=Generated("1")), True),
        (Column("c", "int", nullable=False), False),
        (Column("c", "int", nullable=False, default="NULL"), False),
        (Column("c", "datetime", default="CURRENT_TIMESTAMP"), False),
        (Column("c", "int", default="abs(1)"), False),
        (Column("c", "int", generated=Generated("1", stored=True)), False),
    ],
)
def test_add_column_in_place_follows_sqlite_restrictions(column, in_place):
    old = question()
    new = replace(old, columns=[*old.columns, column])
    assert alterable(ModifyTable(old, new, [AddColumn(column)])) is in_place


def test_add_column_in_place_is_refused_for_keys_and_constraints():
    old = Table("t", [Column("id", "integer")])
    c = Column("c", "integer")
    new = Table("t", [Column("id", "integer"), c])
    assert not alterable(ModifyTable(old, replace(new, primary_key=PrimaryKey(["c"])), [AddColumn(c)]))
    unique = Index(None, [IndexPart("c")], unique=True, constraint=True)
    assert not alterable(ModifyTable(old, replace(new, indexes=[unique]), [AddColumn(c), AddIndex(unique)]))
    index = Index("t_c", [IndexPart("c")], unique=True)
    assert alterable(ModifyTable(old, replace(new, indexes=[index]), [AddColumn(c), AddIndex(index)]))
    fk = ForeignKey(None, ["c"], "p", ["id"])
    assert alterable(ModifyTable(old, replace(new, foreign_keys=[fk]), [AddColumn(c), AddForeignKey(fk)]))
    with_default = replace(c, default="1")
    defaulted = replace(new, columns=[new.columns[0], with_default], foreign_keys=[fk])
    assert not alterable(ModifyTable(old, defaulted, [AddColumn(with_default), AddForeignKey(fk)]))
    # A foreign key on an existing column cannot be added in place.
    assert not alterable(ModifyTable(new, replace(new, foreign_keys=[fk]), [AddForeignKey(fk)]))


def test_add_column_carries_its_foreign_key_inline():
    old = Table("t", [Column("id", "integer")])
    c = Column("p_id", "integer")
    fk = ForeignKey("t_p", ["p_id"], "p", ["id"], on_delete=CASCADE, deferrable=True, initially_deferred=True)
    new = Table("t", [old.columns[0], c], foreign_keys=[fk])
    (statement,) = plan_changes([ModifyTable(old, new, [AddColumn(c), AddForeignKey(fk)])])
    assert statement.sql() == (
        "ALTER TABLE `t` ADD COLUMN `p_id` integer NULL CONSTRAINT `t_p` REFERENCES `p` (`id`) "
        "ON UPDATE NO ACTION ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
    )


@pytest.mark.parametrize(
    ("default", "sql"),
    [
        ("0", "0"),
        ("-1.5e3", "-1.5e3"),
        ("'a(b'", "'a(b'"),
        ("NULL", "NULL"),
        ("true", "true"),
        ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
        ("lower('X')", "(lower('X'))"),
        ("1 + 1", "(1 + 1)"),
        ("(1 + 1)", "(1 + 1)"),
        ("(1) + (2)", "((1) + (2))"),
        ("')' || (x)", "(')' || (x))"),
    ],
)
def test_default_values_are_parenthesised_when_sqlite_needs_it(default, sql):
    assert default_sql(default) == sql


# ---- round trips on real SQLite ----------------------------------------------------------------------------

POLLS = """
CREATE TABLE "polls_question" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "question_text" varchar(200) NOT NULL, "pub_date" datetime NOT NULL);
CREATE TABLE "polls_choice" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "choice_text" varchar(200) NOT NULL, "votes" integer NOT NULL,
    "question_id" bigint NOT NULL
    REFERENCES "polls_question" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "polls_choice_question_id_c5b4b260" ON "polls_choice" ("question_id");
"""

POLLS_ROWS = """
INSERT INTO polls_question (id, question_text, pub_date)
    VALUES (1, 'What?', '2024-01-01'), (2, 'Why?', '2024-01-02');
INSERT INTO polls_choice (id, choice_text, votes, question_id)
    VALUES (1, 'a', 3, 1), (2, 'b', 0, 1), (3, 'c', 7, 2);
"""

QUESTIONS = "SELECT id, question_text, pub_date FROM polls_question ORDER BY id"
CHOICES = "SELECT id, choice_text, votes, question_id FROM polls_choice ORDER BY id"


def rebuilt(m) -> bool:
    return any(s.sql().startswith("CREATE TABLE `new_") for s in m.statements)


def test_create_everything_from_empty():
    m = migrate("", POLLS)
    assert [s.comment for s in m.statements] == [
        'Create "polls_question" table',
        'Create "polls_choice" table',
        'Create index "polls_choice_question_id_c5b4b260" to table: "polls_choice"',
    ]


def test_drop_everything_child_first():
    m = migrate(POLLS, "", POLLS_ROWS)
    assert [s.sql() for s in m.statements] == [
        "PRAGMA foreign_keys = off",
        "DROP TABLE `polls_choice`",
        "DROP TABLE `polls_question`",
        "PRAGMA foreign_keys = on",
    ]


def test_created_tables_follow_their_references_and_drops_precede_them():
    current = """
    CREATE TABLE z_parent (id integer PRIMARY KEY);
    CREATE TABLE a_child (id integer PRIMARY KEY, p integer REFERENCES z_parent (id));
    """
    desired = """
    CREATE TABLE y_parent (id integer PRIMARY KEY);
    CREATE TABLE b_child (id integer PRIMARY KEY, p integer REFERENCES y_parent (id));
    """
    m = migrate(current, desired)
    assert [s.comment for s in m.statements if s.comment.startswith(("Create", "Drop"))] == [
        'Drop "a_child" table',
        'Drop "z_parent" table',
        'Create "y_parent" table',
        'Create "b_child" table',
    ]


def test_fk_cycle_is_created_with_inline_foreign_keys():
    desired = """
    CREATE TABLE a (id integer PRIMARY KEY, b_id integer REFERENCES b (id));
    CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id));
    """
    m = migrate("", desired)
    assert all(s.sql().startswith("CREATE TABLE") for s in m.statements)
    m.conn.execute("INSERT INTO a (id) VALUES (1)")
    m.conn.execute("INSERT INTO b (id, a_id) VALUES (1, 1)")
    m.conn.execute("UPDATE a SET b_id = 1")
    with pytest.raises(Exception, match="FOREIGN KEY"):
        m.conn.execute("INSERT INTO b (id, a_id) VALUES (2, 99)")
    # And back: the cycle is dropped too.
    assert migrate(desired, "").statements[1].sql().startswith("DROP TABLE")


@pytest.mark.parametrize(
    ("column_sql", "value"),
    [
        ('"question_type" varchar(20) NULL', None),
        ('"weight" integer NOT NULL DEFAULT 1', 1),
        ("\"tag\" text DEFAULT 'new'", "new"),
        ('"twice" integer AS (id * 2) VIRTUAL', 2),
    ],
)
def test_add_column_in_place_keeps_rows(column_sql, value):
    desired = POLLS.replace('"pub_date" datetime NOT NULL)', f'"pub_date" datetime NOT NULL, {column_sql})')
    m = migrate(POLLS, desired, POLLS_ROWS)
    assert not rebuilt(m)
    assert m.statements[0].comment.startswith("Add column")
    name = column_sql.split('"')[1]
    assert m.rows(f"SELECT {name} FROM polls_question ORDER BY id")[0] == (value,)
    assert m.rows(QUESTIONS) == [(1, "What?", "2024-01-01"), (2, "Why?", "2024-01-02")]


def test_add_nullable_foreign_key_column_in_place():
    desired = POLLS.replace(
        '"pub_date" datetime NOT NULL)',
        '"pub_date" datetime NOT NULL, "follows_id" bigint NULL '
        'REFERENCES "polls_question" ("id") DEFERRABLE INITIALLY DEFERRED)',
    )
    m = migrate(POLLS, desired, POLLS_ROWS)
    assert not rebuilt(m)
    assert len(m.rows(QUESTIONS)) == 2


# Each desired variant of polls_choice forces a rebuild of that table.
REBUILDS = {
    "drop column": ('"votes" integer NOT NULL,', ""),
    "type change": ('"votes" integer NOT NULL', '"votes" real NOT NULL'),
    "nullability change": ('"choice_text" varchar(200) NOT NULL', '"choice_text" varchar(200) NULL'),
    "default change": ('"votes" integer NOT NULL', '"votes" integer NOT NULL DEFAULT 0'),
    "add check": ('"votes" integer NOT NULL,', '"votes" integer NOT NULL CHECK ("votes" >= 0),'),
    "add unique": ('"choice_text" varchar(200) NOT NULL', '"choice_text" varchar(200) NOT NULL UNIQUE'),
    "fk action change": ("ON DELETE CASCADE", "ON DELETE RESTRICT"),
    "drop fk": ('REFERENCES "polls_question" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED', ""),
    "add column with CURRENT_TIMESTAMP": (
        '"votes" integer NOT NULL,',
        '"votes" integer NOT NULL, "at" datetime NULL DEFAULT CURRENT_TIMESTAMP,',
    ),
    "add stored generated column": (
        '"votes" integer NOT NULL,',
        '"votes" integer NOT NULL, "double" integer AS (votes * 2) STORED,',
    ),
    "add NOT NULL column with expression default": (
        '"votes" integer NOT NULL,',
        '"votes" integer NOT NULL, "code" text NOT NULL DEFAULT (lower(\'X\')),',
    ),
}


@pytest.mark.parametrize("change", sorted(REBUILDS))
def test_rebuild_keeps_rows(change):
    old, new = REBUILDS[change]
    assert old in POLLS
    m = migrate(POLLS, POLLS.replace(old, new, 1), POLLS_ROWS)
    assert rebuilt(m)
    assert m.rows(QUESTIONS) == [(1, "What?", "2024-01-01"), (2, "Why?", "2024-01-02")]
    columns = "id, choice_text, question_id"
    assert m.rows(f"SELECT {columns} FROM polls_choice ORDER BY id") == [
        (1, "a", 1),
        (2, "b", 1),
        (3, "c", 2),
    ]


def test_rebuild_of_a_referenced_table_keeps_the_referencing_rows():
    # polls_choice cascades deletes from polls_question: a rebuild with enforcement on would empty it.
    desired = POLLS.replace('"question_text" varchar(200) NOT NULL', '"question_text" text NOT NULL')
    m = migrate(POLLS, desired, POLLS_ROWS)
    assert rebuilt(m)
    assert m.rows(QUESTIONS) == [(1, "What?", "2024-01-01"), (2, "Why?", "2024-01-02")]
    assert m.rows(CHOICES) == [(1, "a", 3, 1), (2, "b", 0, 1), (3, "c", 7, 2)]
    # The rebuilt table still enforces the reference, and AUTOINCREMENT continues after the copied rows.
    m.conn.execute("INSERT INTO polls_question (question_text, pub_date) VALUES ('Next?', '2024-01-03')")
    assert m.rows("SELECT max(id) FROM polls_question") == [(3,)]


def test_nullable_to_not_null_takes_the_default_for_null_rows():
    current = 'CREATE TABLE t ("id" integer NOT NULL PRIMARY KEY, "n" integer NULL);'
    desired = 'CREATE TABLE t ("id" integer NOT NULL PRIMARY KEY, "n" integer NOT NULL DEFAULT 5);'
    m = migrate(current, desired, "INSERT INTO t VALUES (1, NULL), (2, 7);")
    assert m.rows("SELECT id, n FROM t ORDER BY id") == [(1, 5), (2, 7)]


def test_add_primary_key_and_foreign_key_by_rebuild():
    current = "CREATE TABLE p (id integer NOT NULL); CREATE TABLE c (id integer NOT NULL, p_id integer);"
    desired = """
    CREATE TABLE p (id integer NOT NULL PRIMARY KEY);
    CREATE TABLE c (id integer NOT NULL, p_id integer,
        FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE);
    """
    m = migrate(current, desired, "INSERT INTO p VALUES (1); INSERT INTO c VALUES (10, 1);")
    assert m.rows("SELECT id, p_id FROM c") == [(10, 1)]
    m.conn.execute("DELETE FROM p")
    assert m.rows("SELECT count(*) FROM c") == [(0,)]


INDEXED = """
CREATE TABLE t (id integer PRIMARY KEY, name text, score integer);
CREATE INDEX t_name ON t (name);
"""


@pytest.mark.parametrize(
    ("name", "index_sql"),
    [
        ("t_score", "CREATE UNIQUE INDEX t_score ON t (score)"),
        ("t_partial", "CREATE INDEX t_partial ON t (score) WHERE score > 0"),
        ("t_expr", "CREATE INDEX t_expr ON t (lower(name))"),
        ("t_desc", "CREATE INDEX t_desc ON t (score DESC, name)"),
        ("t_collate", "CREATE INDEX t_collate ON t (name COLLATE NOCASE)"),
    ],
)
def test_add_and_drop_index_in_place(name, index_sql):
    rows = "INSERT INTO t VALUES (1, 'A', 1), (2, 'b', 2);"
    m = migrate(INDEXED, INDEXED + index_sql + ";", rows)
    assert not rebuilt(m)
    assert [s.comment.split(" ")[:2] for s in m.statements] == [["Create", "index"]]
    back = migrate(INDEXED + index_sql + ";", INDEXED, rows)
    assert [s.sql() for s in back.statements] == [f"DROP INDEX `{name}`"]


def test_changed_index_is_dropped_and_created_again():
    m = migrate(INDEXED, INDEXED.replace("ON t (name)", "ON t (name, score)"))
    assert [s.sql() for s in m.statements] == [
        "DROP INDEX `t_name`",
        "CREATE INDEX `t_name` ON `t` (`name`, `score`)",
    ]


def test_dropping_an_indexed_column_rebuilds_without_its_index():
    current = (
        INDEXED.replace("score integer", "score integer, extra int") + "CREATE INDEX t_extra ON t (extra);"
    )
    m = migrate(current, INDEXED, "INSERT INTO t VALUES (1, 'a', 5, 6);")
    assert rebuilt(m)
    assert m.rows("SELECT id, name, score FROM t") == [(1, "a", 5)]
    assert m.rows("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name") == [("t_name",)]


def test_self_referencing_table_is_rebuilt():
    current = (
        "CREATE TABLE node (id integer PRIMARY KEY, parent_id int REFERENCES node (id) ON DELETE CASCADE);"
    )
    desired = current.replace("ON DELETE CASCADE", "ON DELETE SET NULL")
    m = migrate(current, desired, "INSERT INTO node VALUES (1, NULL), (2, 1), (3, 2);")
    assert m.rows("SELECT id, parent_id FROM node ORDER BY id") == [(1, None), (2, 1), (3, 2)]
    m.conn.execute("DELETE FROM node WHERE id = 1")
    assert m.rows("SELECT id, parent_id FROM node ORDER BY id") == [(2, None), (3, 2)]


@pytest.mark.parametrize(
    ("current", "desired"),
    [
        (
            "CREATE TABLE t (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a))",
            "CREATE TABLE t (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a, b))",
        ),
        (
            "CREATE TABLE t (a int PRIMARY KEY, b int)",
            "CREATE TABLE t (a int PRIMARY KEY, b int) WITHOUT ROWID",
        ),
        ("CREATE TABLE t (a int PRIMARY KEY, b int)", "CREATE TABLE t (a int PRIMARY KEY, b int) STRICT"),
        (
            "CREATE TABLE t (a int, b int, CONSTRAINT pos CHECK (b > 0))",
            "CREATE TABLE t (a int, b int, CONSTRAINT pos CHECK (b > -1))",
        ),
        (
            "CREATE TABLE t (a int, b int, CONSTRAINT u UNIQUE (a))",
            "CREATE TABLE t (a int, b int, CONSTRAINT u UNIQUE (a, b))",
        ),
        ("CREATE TABLE t (a int, b int)", "CREATE TABLE t (a int, b int COLLATE NOCASE)"),
        (
            "CREATE TABLE t (a integer PRIMARY KEY, b int)",
            "CREATE TABLE t (a integer PRIMARY KEY AUTOINCREMENT, b int)",
        ),
    ],
)
def test_table_level_rebuilds_keep_rows(current, desired):
    m = migrate(current, desired, "INSERT INTO t (a, b) VALUES (1, 10), (2, 20);")
    assert rebuilt(m)
    assert m.rows("SELECT a, b FROM t ORDER BY a") == [(1, 10), (2, 20)]


def test_named_foreign_key_and_several_rebuilds_in_one_plan():
    desired = POLLS.replace('"votes" integer NOT NULL', '"votes" bigint NOT NULL').replace(
        '"pub_date" datetime NOT NULL', '"pub_date" date NOT NULL'
    )
    desired = desired.replace(
        'REFERENCES "polls_question" ("id") ON DELETE CASCADE',
        'CONSTRAINT "choice_question" REFERENCES "polls_question" ("id") ON DELETE CASCADE',
    )
    m = migrate(POLLS, desired, POLLS_ROWS)
    sql = [s.sql() for s in m.statements]
    assert sql.count("PRAGMA foreign_keys = off") == 1
    assert sum(s.startswith("CREATE TABLE `new_") for s in sql) == 2
    assert m.rows(CHOICES) == [(1, "a", 3, 1), (2, "b", 0, 1), (3, "c", 7, 2)]


def test_app_evolution_with_drops_adds_and_modifies_together():
    desired = """
    CREATE TABLE "polls_question" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
        "question_text" varchar(300) NOT NULL, "pub_date" datetime NOT NULL,
        "author_id" integer NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED);
    CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
        "username" varchar(150) NOT NULL UNIQUE);
    CREATE INDEX "polls_question_author_id" ON "polls_question" ("author_id");
    """
    m = migrate(POLLS, desired, POLLS_ROWS)
    comments = [s.comment for s in m.statements]
    assert comments.index('Drop "polls_choice" table') < comments.index('Create "auth_user" table')
    assert comments.index('Create "auth_user" table') < comments.index('Create "new_polls_question" table')
    assert m.rows("SELECT id, question_text FROM polls_question ORDER BY id") == [(1, "What?"), (2, "Why?")]


@pytest.mark.parametrize("lazy", [True, False])
def test_strict_and_lazy_orderings_both_run_on_sqlite(lazy):
    current = """
    CREATE TABLE gone (id integer PRIMARY KEY);
    CREATE TABLE k (id integer PRIMARY KEY, gone_id integer REFERENCES gone (id));
    """
    desired = """
    CREATE TABLE a (id integer PRIMARY KEY, b_id integer REFERENCES b (id));
    CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id));
    CREATE TABLE k (id integer PRIMARY KEY, gone_id integer, a_id integer REFERENCES a (id));
    """
    m = migrate(
        current, desired, "INSERT INTO gone VALUES (1); INSERT INTO k VALUES (5, 1);", lazy_fk_targets=lazy
    )
    assert m.rows("SELECT id, gone_id FROM k") == [(5, 1)]


# ---- random pairs of states --------------------------------------------------------------------------------


def _random_schema(rng: random.Random) -> tuple[str, list[str]]:
    """A random SQLite schema over a small fixed vocabulary, so that two draws share tables and columns."""
    names = sorted(rng.sample(["t0", "t1", "t2", "t3"], rng.randint(1, 4)))
    statements = []
    for name in names:
        pk = "id integer PRIMARY KEY" + (" AUTOINCREMENT" if rng.random() < 0.3 else "")
        defs = [pk]
        for column in sorted(rng.sample(["a", "b", "c"], rng.randint(0, 3))):
            ctype = rng.choice(["int", "text", "varchar(10)", "real"])
            default = rng.choice([None, "0", "'x'", "(1 + 1)", "CURRENT_TIMESTAMP"])
            nullable = default is None or rng.random() < 0.5
            sql = f"{column} {ctype}" + ("" if nullable else " NOT NULL")
            defs.append(sql + (f" DEFAULT {default}" if default else ""))
        # Unique keys and foreign keys only on columns whose existing rows stay NULL.
        defs.append("u int")
        defs.append("r int")
        uniqueness = rng.choice(["none", "constraint", "named", "index", "partial"])
        if uniqueness == "constraint":
            defs.append("UNIQUE (u)")
        elif uniqueness == "named":
            defs.append("CONSTRAINT uq UNIQUE (u, r)")
        if rng.random() < 0.6:
            action = rng.choice(["NO ACTION", "CASCADE", "SET NULL", "RESTRICT"])
            deferred = " DEFERRABLE INITIALLY DEFERRED" if rng.random() < 0.5 else ""
            defs.append(f"FOREIGN KEY (r) REFERENCES {rng.choice(names)} (id) ON DELETE {action}{deferred}")
        if rng.random() < 0.4:
            defs.append(f"CHECK (u IS NULL OR u {rng.choice(['>', '>='])} 0)")
        statements.append(f"CREATE TABLE {name} ({', '.join(defs)})")
        if uniqueness == "index":
            statements.append(f"CREATE UNIQUE INDEX {name}_u ON {name} (u)")
        elif uniqueness == "partial":
            statements.append(f"CREATE UNIQUE INDEX {name}_u ON {name} (u DESC) WHERE u > 0")
        if rng.random() < 0.5:
            statements.append(f"CREATE INDEX {name}_ru ON {name} ({rng.choice(['r', 'abs(r)', 'r, u'])})")
    return ";\n".join(statements) + ";", names


@pytest.mark.parametrize("seed", range(40))
def test_random_state_pairs_converge_and_keep_rows(seed):
    rng = random.Random(seed)
    current, current_tables = _random_schema(rng)
    desired, desired_tables = _random_schema(rng)
    rows = "".join(f"INSERT INTO {t} (id) VALUES (1), (2), (3);" for t in current_tables)
    m = migrate(current, desired, rows)
    for name in set(current_tables) & set(desired_tables):
        assert m.rows(f"SELECT id FROM {name} ORDER BY id") == [(1,), (2,), (3,)], name


# ---- generated columns as Atlas writes them ----------------------------------------------------------------

# Atlas's SQLite planner writes a generated column in the short form, after the nullability.
ATLAS_GENERATED = (
    "CREATE TABLE `t` (`a` integer NOT NULL, `b` integer NULL AS (a + 1) STORED, "
    "`c` integer NOT NULL AS (a * 2) VIRTUAL, `d` text NULL AS ('x' || a), "
    "`e` text NOT NULL COLLATE NOCASE AS (lower(d)) STORED, PRIMARY KEY (`a`))"
)


def test_generated_columns_in_atlas_short_form_diff_empty_against_themselves():
    m = migrate(ATLAS_GENERATED, ATLAS_GENERATED, "INSERT INTO t (a) VALUES (1), (2);")

    assert (m.changes, m.statements) == ([], [])


def test_generated_columns_long_and_short_form_are_the_same_schema():
    long_form = (
        'CREATE TABLE "t" ("a" integer NOT NULL PRIMARY KEY, '
        '"b" integer GENERATED ALWAYS AS (a + 1) STORED, '
        '"c" integer NOT NULL GENERATED ALWAYS AS (a * 2) VIRTUAL, '
        "\"d\" text GENERATED ALWAYS AS ('x' || a), "
        '"e" text NOT NULL COLLATE nocase GENERATED ALWAYS AS (lower(d)) STORED)'
    )

    assert migrate(long_form, ATLAS_GENERATED).changes == []
    assert migrate(ATLAS_GENERATED, long_form).changes == []


def test_plan_to_atlas_generated_columns_converges_and_keeps_rows():
    m = migrate(
        "CREATE TABLE t (a integer NOT NULL, PRIMARY KEY (a))",
        ATLAS_GENERATED,
        "INSERT INTO t VALUES (1), (2);",
    )

    assert m.changes
    assert m.rows("SELECT a, b, c, d, e FROM t ORDER BY a") == [(1, 2, 2, "x1", "x1"), (2, 3, 4, "x2", "x2")]
