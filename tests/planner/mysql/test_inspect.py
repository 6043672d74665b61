"""The MySQL/MariaDB inspector against the real server: Django's DDL, every schema feature, the clean check,
and a constant number of catalog queries."""

from __future__ import annotations

import pymysql
import pytest

from graticule.planner.drivers.mysql import DRIVER
from graticule.planner.drivers.mysql.inspect import check_clean
from graticule.planner.errors import NotCleanError
from graticule.planner.schema import Check, ForeignKey, Generated, Index, IndexPart, PrimaryKey

from .helpers import DJANGO_POLLS, inspect, scratch

pytestmark = pytest.mark.usefixtures("mysql_server")


# Django on MariaDB: JSONField writes its own JSON_VALID check, UUIDField is char(32), BooleanField is bool,
# PositiveIntegerField an unsigned column with a column check.
DJANGO_KITCHEN = """
CREATE TABLE `kitchen_item` (
  `id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY,
  `uuid` char(32) NOT NULL UNIQUE,
  `data` json NOT NULL CHECK (JSON_VALID(`data`)),
  `active` bool NOT NULL,
  `stock` integer UNSIGNED NOT NULL CHECK (`stock` >= 0),
  `price` numeric(10, 2) NOT NULL,
  `created` datetime(6) NOT NULL
);
CREATE INDEX `kitchen_item_created_8c8a1b4e` ON `kitchen_item` (`created`);
"""


def test_django_polls():
    with scratch(DJANGO_POLLS) as db:
        schema = inspect(db)
    assert schema.name == db.schema
    assert [t.name for t in schema.tables] == ["polls_choice", "polls_question"]
    question = schema.table("polls_question")
    assert [(c.name, c.type, c.nullable, c.auto_increment) for c in question.columns] == [
        ("id", "bigint(20)", False, True),
        ("question_text", "varchar(200)", False, False),
        ("pub_date", "datetime(6)", False, False),
    ]
    assert question.primary_key == PrimaryKey(["id"])
    assert question.indexes == [] and question.foreign_keys == [] and question.checks == []
    choice = schema.table("polls_choice")
    fk_name = "polls_choice_question_id_c5b4b260_fk_polls_question_id"
    assert choice.foreign_keys == [ForeignKey(fk_name, ["question_id"], "polls_question", ["id"])]
    # InnoDB indexes a foreign key's columns itself, under the constraint's name.
    assert choice.indexes == [Index(fk_name, [IndexPart("question_id")])]
    assert choice.options["engine"] == "InnoDB" and choice.options["engine_default"] is True
    assert choice.options["collation"] == schema.attrs["collation"]


def test_django_kitchen_on_mariadb():
    with scratch(DJANGO_KITCHEN) as db:
        item = inspect(db).table("kitchen_item")
    assert item.column("uuid").type == "char(32)"
    # MariaDB's JSON is LONGTEXT plus a json_valid check; the model says json and lists no such check.
    assert (item.column("data").type, item.column("data").collation) == ("json", None)
    assert item.column("active").type == "tinyint(1)"
    assert item.column("stock").type == "int(10) unsigned"
    assert item.column("price").type == "decimal(10,2)"
    assert item.checks == [Check("stock", "`stock` >= 0", {"level": "column"})]
    assert [(i.name, i.unique, i.columns) for i in item.indexes] == [
        ("kitchen_item_created_8c8a1b4e", False, ["created"]),
        ("uuid", True, ["uuid"]),
    ]


def test_column_types_widths_and_defaults():
    sql = """
    CREATE TABLE t (
      a int, b int(5) unsigned zerofill, c tinyint(1) DEFAULT 1, d bigint unsigned,
      e varchar(10) DEFAULT 'it''s \\\\ x', f varchar(10) DEFAULT NULL, g varchar(10) NOT NULL,
      h varchar(5) DEFAULT 'NULL', i varchar(5) DEFAULT '', j decimal(10,2) DEFAULT 1.5, k int DEFAULT -1,
      l bit(3) DEFAULT b'101', m double DEFAULT (rand()), n varchar(10) DEFAULT (concat('a','b')),
      o enum('Small','LARGE') DEFAULT 'LARGE', p set('x','y'), q date DEFAULT '2020-01-01',
      r timestamp NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
      s datetime(6) DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6), u binary(2) DEFAULT 'ab'
    )"""
    with scratch(sql) as db:
        t = inspect(db).table("t")
    got = {c.name: (c.type, c.default) for c in t.columns}
    assert got == {
        "a": ("int(11)", None),
        "b": ("int(5) unsigned zerofill", None),
        "c": ("tinyint(1)", "1"),
        "d": ("bigint(20) unsigned", None),
        "e": ("varchar(10)", "'it''s \\\\ x'"),
        "f": ("varchar(10)", None),
        "g": ("varchar(10)", None),
        "h": ("varchar(5)", "'NULL'"),
        "i": ("varchar(5)", "''"),
        "j": ("decimal(10,2)", "1.50"),
        "k": ("int(11)", "-1"),
        "l": ("bit(3)", "b'101'"),
        "m": ("double", "(rand())"),
        "n": ("varchar(10)", "(concat('a','b'))"),
        "o": ("enum('Small','LARGE')", "'LARGE'"),
        "p": ("set('x','y')", None),
        "q": ("date", "'2020-01-01'"),
        "r": ("timestamp", "CURRENT_TIMESTAMP"),
        "s": ("datetime(6)", "CURRENT_TIMESTAMP(6)"),
        "u": ("binary(2)", "'ab'"),
    }
    assert t.column("r").attrs == {"on_update": "CURRENT_TIMESTAMP"}
    assert t.column("s").attrs == {"on_update": "CURRENT_TIMESTAMP(6)"}
    assert [c.name for c in t.columns if not c.nullable] == ["g"]


def test_generated_columns_comments_and_collations():
    sql = """
    CREATE TABLE t (
      a int, v int AS (a + 1) VIRTUAL, s int AS (a * 2) STORED,
      plain varchar(10) COMMENT 'shown', bin varchar(10) COLLATE utf8mb4_bin,
      latin varchar(10) CHARACTER SET latin1,
      hidden int INVISIBLE, id int AUTO_INCREMENT PRIMARY KEY
    ) ENGINE=MyISAM COLLATE utf8mb4_unicode_ci COMMENT 'a table'
    """
    with scratch(sql) as db:
        t = inspect(db).table("t")
    assert t.column("v").generated == Generated("`a` + 1", stored=False)
    assert t.column("s").generated == Generated("`a` * 2", stored=True)
    assert t.column("v").default is None
    assert t.column("plain").comment == "shown"
    # A collation is recorded only where it differs from the table's.
    assert t.column("plain").collation is None
    assert t.column("bin").collation == "utf8mb4_bin"
    assert t.column("latin").collation == "latin1_swedish_ci"
    assert t.column("hidden").attrs == {"invisible": True}
    assert t.column("id").auto_increment
    assert t.options == {"charset": "utf8mb4", "collation": "utf8mb4_unicode_ci", "engine": "MyISAM"}
    assert t.comment == "a table"


def test_indexes():
    sql = """
    CREATE TABLE t (
      a varchar(100), b int, c text, d int,
      INDEX i_prefix_desc (a(10), b DESC) COMMENT 'why',
      UNIQUE INDEX u_b (b),
      FULLTEXT INDEX ft_c (c),
      UNIQUE KEY u_long (c),
      INDEX i_multi (d, b)
    )"""
    with scratch(sql) as db:
        t = inspect(db).table("t")
    got = {i.name: i for i in t.indexes}
    assert [i.name for i in t.indexes] == sorted(got)
    assert got["i_prefix_desc"] == Index(
        "i_prefix_desc", [IndexPart("a", prefix=10), IndexPart("b", desc=True)], comment="why"
    )
    assert got["u_b"] == Index("u_b", [IndexPart("b")], unique=True)
    assert got["ft_c"] == Index("ft_c", [IndexPart("c")], method="FULLTEXT")
    # MariaDB backs a UNIQUE key on a TEXT column with a hash.
    assert got["u_long"] == Index("u_long", [IndexPart("c")], unique=True, method="HASH")
    assert got["i_multi"].columns == ["d", "b"]
    assert t.primary_key is None


def test_foreign_keys():
    sql = """
    CREATE TABLE p (id int PRIMARY KEY, a int, b int, UNIQUE KEY ab (a, b));
    CREATE TABLE c (
      id int PRIMARY KEY, pid int, a int, b int, parent int,
      CONSTRAINT c_p FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE ON UPDATE SET NULL,
      CONSTRAINT c_ab FOREIGN KEY (a, b) REFERENCES p (a, b) ON DELETE RESTRICT,
      CONSTRAINT c_self FOREIGN KEY (parent) REFERENCES c (id) ON DELETE NO ACTION
    )"""
    with scratch(sql) as db:
        c = inspect(db).table("c")
    assert c.foreign_keys == [
        ForeignKey("c_ab", ["a", "b"], "p", ["a", "b"]),
        ForeignKey("c_p", ["pid"], "p", ["id"], on_update="SET NULL", on_delete="CASCADE"),
        ForeignKey("c_self", ["parent"], "c", ["id"]),
    ]


def test_foreign_key_to_another_database_keeps_its_schema():
    with scratch("CREATE TABLE p (id int PRIMARY KEY)") as other:
        sql = f"CREATE TABLE c (pid int, CONSTRAINT x FOREIGN KEY (pid) REFERENCES `{other.schema}`.p (id))"
        with scratch(sql) as db:
            fk = inspect(db).table("c").foreign_keys[0]
    assert (fk.ref_schema, fk.ref_table) == (other.schema, "p")


def test_checks():
    sql = """
    CREATE TABLE t (
      a int CHECK (a > 0), b int, j json,
      CONSTRAINT named CHECK (a < 100 AND b IS NOT NULL),
      CHECK (b > 1)
    )"""
    with scratch(sql) as db:
        t = inspect(db).table("t")
    assert t.checks == [
        Check("CONSTRAINT_1", "`b` > 1"),
        Check("a", "`a` > 0", {"level": "column"}),
        Check("named", "`a` < 100 and `b` is not null"),
    ]
    assert t.column("j").type == "json"


def test_views_are_not_tables():
    with scratch("CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t") as db:
        assert [t.name for t in inspect(db).tables] == ["t"]


def test_inspect_defaults_to_the_connected_database():
    with scratch("CREATE TABLE t (a int)") as db:
        assert [t.name for t in DRIVER.inspect(db.conn).tables] == ["t"]


@pytest.mark.parametrize(
    ("sql", "found"),
    [
        ("CREATE TABLE t (a int)", 'table "t"'),
        ("CREATE VIEW v AS SELECT 1 AS x", 'view "v"'),
        ("CREATE PROCEDURE pr() SELECT 1", 'procedure "pr"'),
        ("CREATE FUNCTION fn() RETURNS int DETERMINISTIC RETURN 1", 'function "fn"'),
        ("CREATE TABLE b (a int); CREATE VIEW a AS SELECT 1 AS x", 'table "b"'),
    ],
)
def test_check_clean_names_the_first_object(sql, found):
    with scratch(sql) as db, pytest.raises(NotCleanError) as e:
        check_clean(db.conn, db.schema)
    assert str(e.value) == f'connected database is not clean: found {found} in schema "{db.schema}"'


def test_clean_database_passes():
    with scratch() as db:
        check_clean(db.conn, db.schema)
        DRIVER.check_clean(db.conn)


def _tables_sql(n: int) -> str:
    tables = []
    for i in range(n):
        fk = f", CONSTRAINT fk{i} FOREIGN KEY (p) REFERENCES t{i - 1} (id)" if i else ""
        tables.append(
            f"CREATE TABLE t{i} (id int PRIMARY KEY, a varchar(10) DEFAULT 'x', p int, "
            f"INDEX ia (a), CONSTRAINT ck{i} CHECK (p > 0){fk})"
        )
    return ";\n".join(tables)


def _count_queries(monkeypatch: pytest.MonkeyPatch, db) -> int:
    count = 0
    original = pymysql.connections.Connection.query

    def counting(self, sql, unbuffered=False):
        nonlocal count
        count += 1
        return original(self, sql, unbuffered)

    monkeypatch.setattr(pymysql.connections.Connection, "query", counting)
    schema = inspect(db)
    monkeypatch.undo()
    assert schema.tables
    return count


def test_query_count_is_constant(monkeypatch):
    with scratch(_tables_sql(10)) as small, scratch(_tables_sql(200)) as large:
        few = _count_queries(monkeypatch, small)
        many = _count_queries(monkeypatch, large)
        assert len(inspect(large).tables) == 200
        assert len(inspect(large).table("t199").foreign_keys) == 1
    assert few == many == 6
