"""The MySQL/MariaDB planner: Atlas's statements and comments as text, then round trips on the real server —
every change kind planned from one state to another, run statement by statement, inspecting equal to the
desired state and keeping the rows."""

from __future__ import annotations

import os
import random

import pytest

from graticule.planner.changes import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddIndex,
    AddTable,
    ColumnChange,
    DropCheck,
    DropForeignKey,
    DropTable,
    ModifyColumn,
    ModifySchema,
    ModifyTable,
    ModifyTableOptions,
)
from graticule.planner.drivers.mysql.plan import column_definition, default_sql, plan_changes
from graticule.planner.schema import (
    CASCADE,
    Check,
    Column,
    ForeignKey,
    Generated,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
)

from .helpers import DJANGO_POLLS, migrate, script

OPTIONS = {
    "charset": "utf8mb4",
    "collation": "utf8mb4_general_ci",
    "engine": "InnoDB",
    "engine_default": True,
}
FK_NAME = "polls_choice_question_id_c5b4b260_fk_polls_question_id"


def question() -> Table:
    return Table(
        "polls_question",
        [
            Column("id", "bigint(20)", nullable=False, auto_increment=True),
            Column("question_text", "varchar(200)", nullable=False),
            Column("pub_date", "datetime(6)", nullable=False),
        ],
        PrimaryKey(["id"]),
        options=dict(OPTIONS),
    )


def choice() -> Table:
    return Table(
        "polls_choice",
        [
            Column("id", "bigint(20)", nullable=False, auto_increment=True),
            Column("choice_text", "varchar(200)", nullable=False),
            Column("votes", "int(11)", nullable=False, default="0"),
            Column("question_id", "bigint(20)", nullable=False),
        ],
        PrimaryKey(["id"]),
        indexes=[Index(FK_NAME, [IndexPart("question_id")])],
        foreign_keys=[ForeignKey(FK_NAME, ["question_id"], "polls_question", ["id"], on_delete=CASCADE)],
        options=dict(OPTIONS),
    )


# ---- statements as text ------------------------------------------------------------------------------------


def test_create_tables_compact_and_indented():
    statements = plan_changes([AddTable(question()), AddTable(choice())])
    assert script(statements) == (
        '-- Create "polls_question" table\n'
        "CREATE TABLE `polls_question` (`id` bigint(20) NOT NULL AUTO_INCREMENT, "
        "`question_text` varchar(200) NOT NULL, `pub_date` datetime(6) NOT NULL, PRIMARY KEY (`id`)) "
        "CHARSET utf8mb4 COLLATE utf8mb4_general_ci;\n"
        '-- Create "polls_choice" table\n'
        "CREATE TABLE `polls_choice` (`id` bigint(20) NOT NULL AUTO_INCREMENT, "
        "`choice_text` varchar(200) NOT NULL, `votes` int(11) NOT NULL DEFAULT 0, "
        "`question_id` bigint(20) NOT NULL, PRIMARY KEY (`id`), "
        f"INDEX `{FK_NAME}` (`question_id`), "
        f"CONSTRAINT `{FK_NAME}` FOREIGN KEY (`question_id`) REFERENCES `polls_question` (`id`) "
        "ON UPDATE NO ACTION ON DELETE CASCADE) CHARSET utf8mb4 COLLATE utf8mb4_general_ci;\n"
    )
    assert statements[0].sql("  ") == (
        "CREATE TABLE `polls_question` (\n"
        "  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n"
        "  `question_text` varchar(200) NOT NULL,\n"
        "  `pub_date` datetime(6) NOT NULL,\n"
        "  PRIMARY KEY (`id`)\n"
        ") CHARSET utf8mb4 COLLATE utf8mb4_general_ci"
    )


def test_table_options_engine_only_when_not_default():
    t = Table(
        "t",
        [Column("a", "int")],
        comment="it's",
        options={"charset": "latin1", "collation": "latin1_bin", "engine": "MyISAM"},
    )
    assert (
        plan_changes([AddTable(t)])[0].tail
        == " CHARSET latin1 COLLATE latin1_bin COMMENT 'it''s' ENGINE MyISAM"
    )
    assert plan_changes([DropTable(t)])[0].sql() == "DROP TABLE `t`"
    assert plan_changes([DropTable(t)])[0].comment == 'Drop "t" table'


def test_alter_clauses_comma_joined_in_one_statement():
    old = choice()
    new = choice()
    new.columns[2] = Column("votes", "bigint(20)", nullable=False, default="0", comment="count")
    new.columns.append(Column("note", "varchar(20)", default="'x'"))
    new.indexes.append(Index("by_votes", [IndexPart("votes", desc=True)], comment="hot"))
    new.checks.append(Check("positive", "`votes` >= 0"))
    changes = [
        ModifyColumn(old.columns[2], new.columns[2], ColumnChange.TYPE | ColumnChange.COMMENT),
        AddColumn(new.columns[-1]),
        AddIndex(new.indexes[-1]),
        AddCheck(new.checks[-1]),
    ]
    (statement,) = plan_changes([ModifyTable(old, new, changes)])
    assert statement.comment == 'Modify "polls_choice" table'
    assert statement.sql() == (
        "ALTER TABLE `polls_choice` MODIFY COLUMN `votes` bigint(20) NOT NULL DEFAULT 0 COMMENT 'count', "
        "ADD COLUMN `note` varchar(20) NULL DEFAULT 'x', ADD INDEX `by_votes` (`votes` DESC) COMMENT 'hot', "
        "ADD CONSTRAINT `positive` CHECK (`votes` >= 0)"
    )
    assert statement.sql("  ") == statement.sql()  # ALTER TABLE has no items: one line in either layout


def test_foreign_key_recreated_under_its_name_takes_two_statements():
    old, new = choice(), choice()
    new.foreign_keys = [ForeignKey(FK_NAME, ["question_id"], "polls_question", ["id"])]
    changes = [DropForeignKey(old.foreign_keys[0]), AddForeignKey(new.foreign_keys[0])]
    assert [s.sql() for s in plan_changes([ModifyTable(old, new, changes)])] == [
        f"ALTER TABLE `polls_choice` DROP FOREIGN KEY `{FK_NAME}`",
        f"ALTER TABLE `polls_choice` ADD CONSTRAINT `{FK_NAME}` FOREIGN KEY (`question_id`) "
        "REFERENCES `polls_question` (`id`) ON UPDATE NO ACTION ON DELETE NO ACTION",
    ]


def test_retyped_columns_unpin_their_foreign_keys_around_the_plan():
    old_q, new_q, old_c, new_c = question(), question(), choice(), choice()
    new_q.columns[0] = Column("id", "int(11)", nullable=False, auto_increment=True)
    new_c.columns[3] = Column("question_id", "int(11)", nullable=False)
    changes = [
        ModifyTable(old_c, new_c, [ModifyColumn(old_c.columns[3], new_c.columns[3], ColumnChange.TYPE)]),
        ModifyTable(old_q, new_q, [ModifyColumn(old_q.columns[0], new_q.columns[0], ColumnChange.TYPE)]),
    ]
    assert [s.sql() for s in plan_changes(changes)] == [
        f"ALTER TABLE `polls_choice` DROP FOREIGN KEY `{FK_NAME}`",
        "ALTER TABLE `polls_choice` MODIFY COLUMN `question_id` int(11) NOT NULL",
        "ALTER TABLE `polls_question` MODIFY COLUMN `id` int(11) NOT NULL AUTO_INCREMENT",
        f"ALTER TABLE `polls_choice` ADD CONSTRAINT `{FK_NAME}` FOREIGN KEY (`question_id`) "
        "REFERENCES `polls_question` (`id`) ON UPDATE NO ACTION ON DELETE CASCADE",
    ]


def test_mariadb_column_check_changes_with_its_column():
    old = Table("t", [Column("a", "int(11)")], checks=[Check("a", "`a` > 0", {"level": "column"})])
    new = Table("t", [Column("a", "int(11)")], checks=[Check("a", "`a` > 1", {"level": "column"})])
    changes = [DropCheck(old.checks[0]), AddCheck(new.checks[0])]
    (statement,) = plan_changes([ModifyTable(old, new, changes)])
    assert statement.sql() == "ALTER TABLE `t` MODIFY COLUMN `a` int(11) NULL CHECK (`a` > 1)"
    assert plan_changes([AddTable(new)])[0].items == ["`a` int(11) NULL CHECK (`a` > 1)"]


def test_generated_column_definitions():
    virtual = Column("v", "int(11)", generated=Generated("`a` + 1"))
    stored = Column("s", "int(11)", nullable=False, generated=Generated("(`a` * 2)", stored=True))
    assert column_definition(virtual) == "`v` int(11) AS (`a` + 1) VIRTUAL"
    assert column_definition(stored) == "`s` int(11) AS (`a` * 2) STORED NOT NULL"


def test_defaults_both_servers_accept():
    assert default_sql("1") == "1"
    assert default_sql("'x'") == "'x'"
    assert default_sql("b'101'") == "b'101'"
    assert default_sql("CURRENT_TIMESTAMP(6)") == "CURRENT_TIMESTAMP(6)"
    assert default_sql("(rand())") == "(rand())"
    assert default_sql("rand()") == "(rand())"


def test_table_collation_change_reaches_columns_that_follow_it():
    old = Table("t", [Column("a", "varchar(10)"), Column("b", "int(11)")], options=dict(OPTIONS))
    new_options = {**OPTIONS, "charset": "latin1", "collation": "latin1_swedish_ci"}
    new = Table("t", [Column("a", "varchar(10)"), Column("b", "int(11)")], options=new_options)
    (statement,) = plan_changes([ModifyTable(old, new, [ModifyTableOptions(old.options, new.options)])])
    assert statement.sql() == (
        "ALTER TABLE `t` CHARSET latin1 COLLATE latin1_swedish_ci, "
        "MODIFY COLUMN `a` varchar(10) COLLATE latin1_swedish_ci NULL"
    )


def test_database_defaults():
    old = Schema("dev", attrs={"charset": "utf8mb4", "collation": "utf8mb4_general_ci"})
    new = Schema("dev", attrs={"charset": "latin1", "collation": "latin1_swedish_ci"})
    (statement,) = plan_changes([ModifySchema(old, new)])
    assert statement.sql() == "ALTER DATABASE CHARACTER SET latin1 COLLATE latin1_swedish_ci"
    assert plan_changes([ModifySchema(Schema("x"), new)]) == []


# ---- round trips on the server ----------------------------------------------------------------------------

T = "CREATE TABLE t (id int PRIMARY KEY, {})"
ROUND_TRIPS = {
    "add columns": (T.format("a int"), T.format("a int, b varchar(10) NOT NULL DEFAULT 'x', c int")),
    "drop column and its index": (T.format("a int, b int, INDEX ib (b)"), T.format("a int")),
    "change type, null, default, comment": (
        T.format("a int, b varchar(10)"),
        T.format("a bigint NOT NULL DEFAULT 5 COMMENT 'count', b varchar(20)"),
    ),
    "drop default and comment": (T.format("a int DEFAULT 1 COMMENT 'x'"), T.format("a int")),
    "column collation": (
        T.format("a varchar(10), b varchar(10) COLLATE utf8mb4_bin"),
        T.format("a varchar(10) COLLATE latin1_bin, b varchar(10)"),
    ),
    "enum values": (T.format("a enum('x','y') DEFAULT 'x'"), T.format("a enum('x','y','Z') DEFAULT 'Z'")),
    "timestamps": (
        T.format("a datetime, b timestamp NULL"),
        T.format("a datetime(6) DEFAULT now(6) ON UPDATE now(6), b timestamp NULL DEFAULT CURRENT_TIMESTAMP"),
    ),
    "expression defaults": (
        T.format("a double, b varchar(20)"),
        T.format("a double DEFAULT (rand()), b varchar(20) DEFAULT (concat('it''s', ' \\\\ '))"),
    ),
    "auto increment": (
        T.format("a int").replace("id int", "id bigint"),
        T.format("a int").replace("id int", "id bigint AUTO_INCREMENT"),
    ),
    "add primary key": ("CREATE TABLE t (id int NOT NULL, a int)", T.format("a int")),
    "drop primary key": (T.format("a int"), "CREATE TABLE t (id int NOT NULL, a int)"),
    "change primary key": (T.format("a int NOT NULL"), "CREATE TABLE t (id int, a int, PRIMARY KEY (id, a))"),
    "indexes": (
        T.format("a varchar(100), b int, c text, INDEX i1 (a), INDEX i2 (b)"),
        T.format(
            "a varchar(100), b int, c text, INDEX i1 (a(10), b DESC) COMMENT 'hot', UNIQUE INDEX i3 (b), "
            "FULLTEXT INDEX ft (c), UNIQUE INDEX u_long (c)"
        ),
    ),
    "checks": (
        T.format("a int, CONSTRAINT c1 CHECK (a > 0), CONSTRAINT c2 CHECK (a < 10)"),
        T.format("a int, CONSTRAINT c1 CHECK (a > 1), CONSTRAINT c3 CHECK (a <> 5)"),
    ),
    "column checks": (
        T.format("a int CHECK (a > 0), b int, c int CHECK (c > 0)"),
        T.format("a int CHECK (a > 1), b int CHECK (b > 0), c int"),
    ),
    "drop columns with checks": (
        T.format("a int CHECK (a > 0), b int, CONSTRAINT cb CHECK (b > 0)"),
        T.format("b2 int"),
    ),
    "json": (
        T.format("a int"),
        T.format("a int, data json NOT NULL CHECK (JSON_VALID(`data`)), extra json"),
    ),
    "json to text and back": (T.format("a json, b longtext"), T.format("a longtext, b json")),
    "generated columns": (
        T.format("a int, v int AS (a + 1) VIRTUAL, s int AS (a * 2) STORED, g int"),
        T.format("a int, v int AS (a + 2) VIRTUAL, s int AS (a * 3) STORED, g int AS (a - 1) VIRTUAL"),
    ),
    "generated kind switch keeps its index": (
        T.format("a int, v int AS (a + 1) VIRTUAL, INDEX iv (v, a)"),
        T.format("a int, v int AS (a + 1) STORED, INDEX iv (v, a)"),
    ),
    "table options": (
        T.format("a varchar(10), b varchar(10) COLLATE utf8mb4_bin") + " COMMENT 'x'",
        T.format("a varchar(10), b varchar(10) COLLATE utf8mb4_bin")
        + " CHARSET latin1 ENGINE MyISAM COMMENT 'y'",
    ),
    "drop table comment": (T.format("a int") + " COMMENT 'x'", T.format("a int")),
    "invisible column": (T.format("a int"), T.format("a int, b int INVISIBLE")),
}

FK = "CREATE TABLE p (id int PRIMARY KEY, u int UNIQUE); "
FK_ROUND_TRIPS = {
    "add foreign key": (
        FK + "CREATE TABLE c (id int PRIMARY KEY, pid int)",
        FK
        + "CREATE TABLE c (id int PRIMARY KEY, pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id))",
    ),
    "foreign key action": (
        FK
        + "CREATE TABLE c (id int PRIMARY KEY, pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id))",
        FK + "CREATE TABLE c (id int PRIMARY KEY, pid int, "
        "CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE ON UPDATE SET NULL)",
    ),
    "foreign key target": (
        FK
        + "CREATE TABLE c (id int PRIMARY KEY, pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id))",
        FK + "CREATE TABLE c (id int PRIMARY KEY, pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (u))",
    ),
    "drop foreign key and its column": (
        FK
        + "CREATE TABLE c (id int PRIMARY KEY, pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id))",
        FK + "CREATE TABLE c (id int PRIMARY KEY)",
    ),
    "swap the index a foreign key uses": (
        FK + "CREATE TABLE c (id int PRIMARY KEY, pid int, b int, "
        "CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id))",
        FK + "CREATE TABLE c (id int PRIMARY KEY, pid int, b int, INDEX ib (pid, b), "
        "CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id))",
    ),
    "drop a referenced table": (
        FK
        + "CREATE TABLE c (id int PRIMARY KEY, pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id))",
        "CREATE TABLE c (id int PRIMARY KEY, pid int)",
    ),
    "new column referencing a new table": (
        "CREATE TABLE c (id int PRIMARY KEY)",
        FK
        + "CREATE TABLE c (id int PRIMARY KEY, pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id))",
    ),
    # Column types change under foreign keys (Django's int → bigint): the keys must come off first.
    "retype under a kept key while a new key arrives": (
        "CREATE TABLE p (id int PRIMARY KEY); "
        "CREATE TABLE c (id int PRIMARY KEY, pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id))",
        "CREATE TABLE p (id bigint PRIMARY KEY); CREATE TABLE n (id int PRIMARY KEY); "
        "CREATE TABLE c (id int PRIMARY KEY, pid bigint, nid int, "
        "CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id), "
        "CONSTRAINT fkn FOREIGN KEY (nid) REFERENCES n (id))",
    ),
    "retype under a renamed key": (
        "CREATE TABLE p (id int PRIMARY KEY); "
        "CREATE TABLE z (id int PRIMARY KEY, pid int, CONSTRAINT fk_a FOREIGN KEY (pid) REFERENCES p (id))",
        "CREATE TABLE p (id bigint PRIMARY KEY); "
        "CREATE TABLE z (id int PRIMARY KEY, pid bigint, "
        "CONSTRAINT fk_b FOREIGN KEY (pid) REFERENCES p (id))",
    ),
    "retype under a changed key": (
        "CREATE TABLE p (id int PRIMARY KEY); "
        "CREATE TABLE z (id int PRIMARY KEY, pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id))",
        "CREATE TABLE p (id bigint PRIMARY KEY); CREATE TABLE z (id int PRIMARY KEY, pid bigint, "
        "CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE)",
    ),
    "retype a self reference": (
        "CREATE TABLE s (id int PRIMARY KEY, parent int, "
        "CONSTRAINT up FOREIGN KEY (parent) REFERENCES s (id))",
        "CREATE TABLE s (id bigint PRIMARY KEY, parent bigint, "
        "CONSTRAINT up FOREIGN KEY (parent) REFERENCES s (id))",
    ),
    "retype while adding a self reference": (
        "CREATE TABLE s (id int PRIMARY KEY, parent int)",
        "CREATE TABLE s (id bigint PRIMARY KEY, parent bigint, "
        "CONSTRAINT up FOREIGN KEY (parent) REFERENCES s (id))",
    ),
    "self reference": (
        "CREATE TABLE c (id int PRIMARY KEY)",
        "CREATE TABLE c (id int PRIMARY KEY, parent int, "
        "CONSTRAINT up FOREIGN KEY (parent) REFERENCES c (id))",
    ),
}


@pytest.mark.parametrize("name", list(ROUND_TRIPS) + list(FK_ROUND_TRIPS))
def test_round_trip(mysql_server, name):
    current, desired = ROUND_TRIPS.get(name) or FK_ROUND_TRIPS[name]
    with migrate(current, desired) as m:
        assert m.statements, "the two states differ, so the plan cannot be empty"


CYCLE = """
CREATE TABLE a (id int PRIMARY KEY, b_id int);
CREATE TABLE b (id int PRIMARY KEY, a_id int, CONSTRAINT fb FOREIGN KEY (a_id) REFERENCES a (id));
ALTER TABLE a ADD CONSTRAINT fa FOREIGN KEY (b_id) REFERENCES b (id);
"""


def test_foreign_key_cycle_created_then_closed(mysql_server):
    with migrate("", CYCLE) as m:
        assert [s.comment for s in m.statements] == [
            'Create "b" table',
            'Create "a" table',
            'Modify "b" table',
        ]
        assert m.statements[-1].sql() == (
            "ALTER TABLE `b` ADD CONSTRAINT `fb` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`) "
            "ON UPDATE NO ACTION ON DELETE NO ACTION"
        )


def test_foreign_key_cycle_opened_then_dropped(mysql_server):
    with migrate(CYCLE, "CREATE TABLE z (id int)") as m:
        assert [s.comment for s in m.statements] == [
            'Modify "a" table',
            'Drop "b" table',
            'Drop "a" table',
            'Create "z" table',
        ]


def test_rows_are_kept(mysql_server):
    current = """
    CREATE TABLE p (id int AUTO_INCREMENT PRIMARY KEY, name varchar(10));
    CREATE TABLE c (id int AUTO_INCREMENT PRIMARY KEY, pid int NOT NULL, note varchar(5),
                    CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id));
    """
    # Django's DEFAULT_AUTO_FIELD switch: every id and the column referencing one become bigint.
    desired = """
    CREATE TABLE p (id bigint AUTO_INCREMENT PRIMARY KEY, name varchar(20) NOT NULL DEFAULT '',
                    extra int DEFAULT 7);
    CREATE TABLE c (id bigint AUTO_INCREMENT PRIMARY KEY, pid bigint NOT NULL, note text,
                    CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE,
                    INDEX by_note (note(3)));
    """
    rows = "INSERT INTO p (name) VALUES ('a'), ('b'); INSERT INTO c (pid, note) VALUES (1, 'x'), (2, 'yy');"
    with migrate(current, desired, rows) as m:
        assert m.rows("SELECT id, name, extra FROM p ORDER BY id") == [(1, "a", 7), (2, "b", 7)]
        assert m.rows("SELECT id, pid, note FROM c ORDER BY id") == [(1, 1, "x"), (2, 2, "yy")]
        assert "DROP FOREIGN KEY `fk`" in m.statements[0].sql()


def test_django_polls_from_nothing_and_back(mysql_server):
    with migrate("", DJANGO_POLLS) as m:
        assert [s.comment for s in m.statements] == [
            'Create "polls_question" table',
            'Create "polls_choice" table',
        ]
    with migrate(DJANGO_POLLS, "") as m:
        assert [s.comment for s in m.statements] == [
            'Drop "polls_choice" table',
            'Drop "polls_question" table',
        ]


# ---- random pairs of states --------------------------------------------------------------------------------

_TYPES = {
    "int": ["0", "7", "(1 + 1)"],
    "bigint unsigned": ["0", "42"],
    "decimal(8,2)": ["1.5", "0"],
    "varchar(20)": ["'x'", "''", "'it''s'"],
    "varchar(20) COLLATE utf8mb4_bin": ["'x'"],
    "text": ["'t'"],
    "datetime(6)": ["CURRENT_TIMESTAMP(6)", "'2020-01-01 00:00:00'"],
    "tinyint(1)": ["1", "0"],
    "enum('a','b')": ["'a'"],
    "json": [],
}


def _random_mysql_schema(rng: random.Random) -> tuple[str, dict[str, list[str]]]:
    """A random schema over a small vocabulary, so that two draws share tables and columns; with each table's
    nullable columns (rows set them NULL, so that any type change can convert them)."""
    names = sorted(rng.sample(["t0", "t1", "t2", "t3"], rng.randint(1, 4)))
    statements = []
    nullable: dict[str, list[str]] = {}
    key = rng.choice(["int", "bigint"])  # every id and reference at once, as Django's DEFAULT_AUTO_FIELD does
    for name in names:
        auto_increment = rng.random() < 0.3
        defs = [f"id {key}" + (" AUTO_INCREMENT" if auto_increment else "") + " PRIMARY KEY"]
        defs.append(
            f"k {rng.choice(['int', 'bigint', 'decimal(10,0)'])} NOT NULL DEFAULT {rng.choice(['0', '5'])}"
        )
        nullable[name] = sorted(rng.sample(["a", "b", "c"], rng.randint(0, 3)))
        for column in nullable[name]:
            ctype = rng.choice(sorted(_TYPES))
            default = rng.choice([None, *_TYPES[ctype]])
            comment = " COMMENT 'note'" if rng.random() < 0.2 else ""
            check = (
                " CHECK (c IS NULL OR c <> 3)"
                if column == "c" and ctype == "int" and rng.random() < 0.5
                else ""
            )
            defs.append(f"{column} {ctype}" + (f" DEFAULT {default}" if default else "") + comment + check)
        if rng.random() < 0.4 and not auto_increment:  # a generated column may not use an AUTO_INCREMENT one
            defs.append(f"g int AS (id + {rng.choice([1, 2])}) {rng.choice(['VIRTUAL', 'STORED'])}")
        defs += ["u int", f"r {key}"]
        uniqueness = rng.choice(["none", "unique", "pair", "index"])
        if uniqueness == "unique":
            defs.append("UNIQUE KEY u (u)")
        elif uniqueness == "pair":
            defs.append("UNIQUE KEY u (u, r)")
        elif uniqueness == "index":
            defs.append(f"INDEX u (u{rng.choice(['', ' DESC'])}, k)")
        if rng.random() < 0.6:
            action = rng.choice(["NO ACTION", "CASCADE", "SET NULL", "RESTRICT"])
            fk = rng.choice(["fk", "fk2"])
            target = rng.choice(names)
            defs.append(f"CONSTRAINT {name}_{fk} FOREIGN KEY (r) REFERENCES {target} (id) ON DELETE {action}")
        if rng.random() < 0.4:
            defs.append(f"CONSTRAINT {name}_pos CHECK (u IS NULL OR u {rng.choice(['>', '>='])} 0)")
        options = rng.choice(["", " COMMENT 'x'", " COLLATE utf8mb4_bin"])
        statements.append(f"CREATE TABLE {name} ({', '.join(defs)}){options}")
    # Keys may name tables created later: build the state as a dump does, with the checks off.
    return "SET FOREIGN_KEY_CHECKS = 0;\n" + ";\n".join(
        statements
    ) + ";\nSET FOREIGN_KEY_CHECKS = 1;", nullable


# GRATICULE_MYSQL_RANDOM_PAIRS=3000 runs that many pairs (30 by default, a few seconds), from seed
# GRATICULE_MYSQL_FIRST_SEED (0 by default).
RANDOM_PAIRS = int(os.environ.get("GRATICULE_MYSQL_RANDOM_PAIRS", "30"))
FIRST_SEED = int(os.environ.get("GRATICULE_MYSQL_FIRST_SEED", "0"))


@pytest.mark.parametrize("seed", range(FIRST_SEED, FIRST_SEED + RANDOM_PAIRS))
def test_random_state_pairs_converge_and_keep_rows(mysql_server, seed):
    rng = random.Random(seed)
    current, current_tables = _random_mysql_schema(rng)
    desired, desired_tables = _random_mysql_schema(rng)
    # Foreign keys are checked on insert: the rows reference nothing (r stays NULL).
    rows = "".join(f"INSERT INTO {t} (id) VALUES (1), (2), (3);" for t in current_tables)
    rows += "".join(
        f"UPDATE {t} SET {', '.join(f'{c} = NULL' for c in columns)};"
        for t, columns in current_tables.items()
        if columns
    )
    with migrate(current, desired, rows) as m:
        for name in set(current_tables) & set(desired_tables):
            assert m.rows(f"SELECT id FROM {name} ORDER BY id") == [(1,), (2,), (3,)], name
