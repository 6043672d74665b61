"""The dialect-neutral diff: matching, change detection through the normaliser, and Atlas-like ordering."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from graticule.planner.changes import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddIndex,
    AddTable,
    ColumnChange,
    DropCheck,
    DropColumn,
    DropForeignKey,
    DropIndex,
    DropTable,
    ModifyColumn,
    ModifyPrimaryKey,
    ModifyTable,
    ModifyTableComment,
    ModifyTableOptions,
)
from graticule.planner.diff import diff_schemas, diff_tables
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

from .helpers import PlainNormalizer, connect, diff

N = PlainNormalizer()


def table(name: str, *columns: Column, **kw) -> Table:
    columns = columns or (Column("id", "integer", nullable=False),)
    kw.setdefault("primary_key", PrimaryKey(["id"]))
    return Table(name, list(columns), **kw)


def fk(column: str, ref: str, name: str | None = None, **kw) -> ForeignKey:
    return ForeignKey(name, [column], ref, ["id"], **kw)


def with_fks(name: str, *fks: ForeignKey) -> Table:
    columns = [Column("id", "integer", nullable=False), *(Column(f.columns[0], "integer") for f in fks)]
    return table(name, *columns, foreign_keys=list(fks))


def schema(*tables: Table) -> Schema:
    return Schema("main", list(tables))


def kinds(changes) -> list[tuple[str, str]]:
    """(change type, table name) pairs: the shape of an ordered plan."""
    out = []
    for c in changes:
        t = c.table if isinstance(c, AddTable | DropTable) else c.new
        out.append((type(c).__name__, t.name))
    return out


# ---- equality goes through the normaliser -------------------------------------------------------------


def test_equal_schemas_have_no_changes():
    t = table(
        "t",
        Column("id", "integer", nullable=False),
        Column("n", "varchar(20)", default="'x'", collation="NOCASE"),
        Column("g", "integer", generated=Generated("id * 2", stored=True)),
        indexes=[
            Index("t_n", [IndexPart(expr="lower(n)", desc=True)], predicate="n > 'a'"),
            Index(None, [IndexPart("n")], unique=True, constraint=True),
        ],
        foreign_keys=[fk("g", "t")],
        checks=[Check(None, "id > 0")],
        options={"strict": True},
    )
    assert diff_schemas(schema(t), schema(replace(t)), N) == []


def test_type_spelling_is_compared_by_the_normaliser_key():
    old = table("t", Column("id", "integer", nullable=False), Column("n", "VARCHAR(200)"))
    new = table("t", Column("id", "integer", nullable=False), Column("n", "varchar(200)"))
    assert diff_schemas(schema(old), schema(new), N) == []


def test_expressions_are_compared_by_the_normaliser_key():
    old = table(
        "t",
        Column("id", "integer", nullable=False),
        Column("g", "integer", default="ABS(1)", generated=None),
        Column("h", "integer", generated=Generated("id*2")),
        indexes=[Index("i", [IndexPart(expr="LOWER(g)")], predicate="g>0")],
        checks=[Check(None, "id>0")],
    )
    new = table(
        "t",
        Column("id", "integer", nullable=False),
        Column("g", "integer", default="abs( 1 )"),
        Column("h", "integer", generated=Generated("id * 2")),
        indexes=[Index("i", [IndexPart(expr="lower(g)")], predicate="g > 0")],
        checks=[Check(None, "id > 0")],
    )
    assert diff_schemas(schema(old), schema(new), N) == []


class _NoEqualKeys(PlainNormalizer):
    """Every value gets a key of its own: proves the diff takes equality from the normaliser, not the text."""

    def __init__(self) -> None:
        self.seen = 0

    def _unique(self) -> str:
        self.seen += 1
        return f"k{self.seen}"

    def type_key(self, column):
        return self._unique()

    def default_key(self, column):
        return self._unique()

    def expr_key(self, sql):
        return self._unique()


def test_identical_text_differs_when_the_normaliser_says_so():
    t = table("t", Column("id", "integer", nullable=False), checks=[Check("c", "id > 0")])
    (modify,) = diff_schemas(schema(t), schema(replace(t)), _NoEqualKeys())
    assert isinstance(modify.changes[0], DropCheck)
    change = next(c for c in modify.changes if isinstance(c, ModifyColumn))
    assert change.change == ColumnChange.TYPE | ColumnChange.DEFAULT


# ---- tables and columns ------------------------------------------------------------------------------------


def test_add_and_drop_tables():
    a, b = table("a"), table("b")
    assert kinds(diff_schemas(schema(a), schema(b), N)) == [("DropTable", "a"), ("AddTable", "b")]


@pytest.mark.parametrize(
    ("old", "new", "flags"),
    [
        (Column("c", "integer"), Column("c", "text"), ColumnChange.TYPE),
        (Column("c", "integer"), Column("c", "integer", nullable=False), ColumnChange.NULL),
        (Column("c", "integer", default="1"), Column("c", "integer", default="2"), ColumnChange.DEFAULT),
        (Column("c", "integer"), Column("c", "integer", default="0"), ColumnChange.DEFAULT),
        (Column("c", "int"), Column("c", "int", generated=Generated("1")), ColumnChange.GENERATED),
        (
            Column("c", "int", generated=Generated("1")),
            Column("c", "int", generated=Generated("1", stored=True)),
            ColumnChange.GENERATED,
        ),
        (Column("c", "text"), Column("c", "text", collation="NOCASE"), ColumnChange.COLLATION),
        (Column("c", "text"), Column("c", "text", comment="hi"), ColumnChange.COMMENT),
        (Column("c", "int"), Column("c", "int", auto_increment=True), ColumnChange.AUTO_INCREMENT),
        (Column("c", "int"), Column("c", "int", attrs={"identity": "ALWAYS"}), ColumnChange.ATTRS),
        (
            Column("c", "integer"),
            Column("c", "bigint", nullable=False, default="0"),
            ColumnChange.TYPE | ColumnChange.NULL | ColumnChange.DEFAULT,
        ),
    ],
)
def test_modify_column_reports_what_differs(old, new, flags):
    changes = diff_tables(table("t", old, primary_key=None), table("t", new, primary_key=None), N)
    assert changes == [ModifyColumn(old, new, flags)]


def test_add_and_drop_columns_keep_table_order():
    old = table("t", Column("id", "integer", nullable=False), Column("a", "int"), Column("b", "int"))
    new = table("t", Column("id", "integer", nullable=False), Column("y", "int"), Column("x", "int"))
    changes = diff_tables(old, new, N)
    assert [type(c) for c in changes] == [DropColumn, DropColumn, AddColumn, AddColumn]
    assert [c.column.name for c in changes] == ["a", "b", "y", "x"]


def test_primary_key_comment_and_options_changes():
    old = table("t", Column("id", "integer", nullable=False), Column("k", "int", nullable=False))
    new = replace(old, primary_key=PrimaryKey(["id", "k"]), comment="people", options={"without_rowid": True})
    assert diff_tables(old, new, N) == [
        ModifyPrimaryKey(old.primary_key, new.primary_key),
        ModifyTableComment(None, "people"),
        ModifyTableOptions({}, {"without_rowid": True}),
    ]
    autoinc = replace(old, primary_key=PrimaryKey(["id"], auto_increment=True))
    assert diff_tables(old, autoinc, N) == [ModifyPrimaryKey(old.primary_key, autoinc.primary_key)]
    assert diff_tables(old, replace(old, primary_key=None), N) == [ModifyPrimaryKey(old.primary_key, None)]


# ---- indexes, foreign keys, checks -------------------------------------------------------------------------


def _cols(*names: str) -> list[Column]:
    return [Column("id", "integer", nullable=False), *(Column(n, "text") for n in names)]


def test_indexes_match_by_name_and_a_changed_one_is_dropped_then_added():
    old = table(
        "t", *_cols("a", "b"), indexes=[Index("i", [IndexPart("a")]), Index("gone", [IndexPart("b")])]
    )
    changed = Index("i", [IndexPart("a")], unique=True)
    new = table("t", *_cols("a", "b"), indexes=[Index("fresh", [IndexPart("b")]), changed])
    assert diff_tables(old, new, N) == [
        DropIndex(old.indexes[1]),
        DropIndex(old.indexes[0]),
        AddIndex(new.indexes[0]),
        AddIndex(changed),
    ]


@pytest.mark.parametrize(
    "variant",
    [
        {"predicate": "a > 0"},
        {"parts": [IndexPart("a", desc=True)]},
        {"parts": [IndexPart("a", collation="NOCASE")]},
        {"parts": [IndexPart(expr="lower(a)")]},
        {"parts": [IndexPart("a"), IndexPart("b")]},
    ],
)
def test_every_index_property_counts(variant):
    base = Index("i", [IndexPart("a")])
    old = table("t", *_cols("a", "b"), indexes=[base])
    new = table("t", *_cols("a", "b"), indexes=[replace(base, **variant)])
    assert [type(c) for c in diff_tables(old, new, N)] == [DropIndex, AddIndex]


def test_unnamed_unique_constraints_match_by_definition():
    ua = Index(None, [IndexPart("a")], unique=True, constraint=True)
    ub = Index(None, [IndexPart("b")], unique=True, constraint=True)
    old = table("t", *_cols("a", "b"), indexes=[ua, ub])
    assert diff_tables(old, table("t", *_cols("a", "b"), indexes=[replace(ub), replace(ua)]), N) == []
    uab = Index(None, [IndexPart("a"), IndexPart("b")], unique=True, constraint=True)
    new = table("t", *_cols("a", "b"), indexes=[replace(ua), uab])
    assert diff_tables(old, new, N) == [DropIndex(ub), AddIndex(uab)]


def test_unnamed_foreign_keys_match_by_columns_and_target():
    old = with_fks("c", fk("p_id", "p"), fk("q_id", "q"))
    new = with_fks("c", fk("q_id", "q"), fk("p_id", "p", name="named_now"))
    assert diff_tables(old, new, N) == []


def test_foreign_key_action_change_is_drop_and_add():
    old = with_fks("c", fk("p_id", "p"))
    cascading = fk("p_id", "p", on_delete=CASCADE)
    assert diff_tables(old, with_fks("c", cascading), N) == [
        DropForeignKey(old.foreign_keys[0]),
        AddForeignKey(cascading),
    ]
    deferred = fk("p_id", "p", deferrable=True, initially_deferred=True)
    assert [type(c) for c in diff_tables(old, with_fks("c", deferred), N)] == [DropForeignKey, AddForeignKey]


def test_named_foreign_keys_match_by_name():
    old = with_fks("c", fk("p_id", "p", name="f1"))
    retargeted = fk("p_id", "q", name="f1")
    assert diff_tables(old, with_fks("c", retargeted), N) == [
        DropForeignKey(old.foreign_keys[0]),
        AddForeignKey(retargeted),
    ]
    renamed = fk("p_id", "p", name="f2")
    assert diff_tables(old, with_fks("c", renamed), N) == [
        DropForeignKey(old.foreign_keys[0]),
        AddForeignKey(renamed),
    ]


def test_checks_match_by_name_or_by_expression():
    old = table("t", checks=[Check(None, "id > 0"), Check("positive", "id >= 1")])
    same = table("t", checks=[Check("positive", "id>=1"), Check(None, "ID > 0")])
    assert diff_tables(old, same, N) == []
    new = table("t", checks=[Check(None, "id > 1"), Check("positive", "id >= 2")])
    assert diff_tables(old, new, N) == [
        DropCheck(old.checks[0]),
        DropCheck(old.checks[1]),
        AddCheck(new.checks[0]),
        AddCheck(new.checks[1]),
    ]


def test_dependants_are_dropped_before_columns_change_and_added_after():
    old = table(
        "t",
        Column("id", "integer", nullable=False),
        Column("a", "int"),
        indexes=[Index("ia", [IndexPart("a")])],
        foreign_keys=[fk("a", "p")],
        checks=[Check(None, "a > 0")],
    )
    new = table(
        "t",
        Column("id", "integer", nullable=False),
        Column("b", "int"),
        indexes=[Index("ib", [IndexPart("b")])],
        foreign_keys=[fk("b", "p")],
        checks=[Check(None, "b > 0")],
    )
    assert [type(c) for c in diff_tables(old, new, N)] == [
        DropForeignKey,
        DropCheck,
        DropIndex,
        DropColumn,
        AddColumn,
        AddIndex,
        AddForeignKey,
        AddCheck,
    ]


# ---- ordering -------------------------------------------------------------------------------------------


def test_created_tables_follow_the_tables_they_reference():
    tables = [with_fks("a", fk("b_id", "b")), with_fks("b", fk("c_id", "c")), table("c"), table("d")]
    changes = diff_schemas(schema(), schema(*tables), N)
    assert kinds(changes) == [("AddTable", "c"), ("AddTable", "b"), ("AddTable", "a"), ("AddTable", "d")]


def test_dropped_tables_go_before_the_tables_they_reference():
    tables = [table("a"), with_fks("b", fk("a_id", "a")), with_fks("c", fk("b_id", "b"))]
    changes = diff_schemas(schema(*tables), schema(), N)
    assert kinds(changes) == [("DropTable", "c"), ("DropTable", "b"), ("DropTable", "a")]


def test_order_is_fk_drops_then_drops_then_adds_then_modifies():
    keep_old = with_fks("k", fk("gone_id", "gone"))
    keep_new = table("k", Column("id", "integer", nullable=False), Column("gone_id", "integer"))
    other_old = table("m", Column("id", "integer", nullable=False))
    other_new = table("m", Column("id", "integer", nullable=False), Column("x", "int"))
    current = schema(table("gone"), keep_old, other_old)
    desired = schema(keep_new, other_new, table("fresh"))
    for lazy in (False, True):
        assert kinds(diff_schemas(current, desired, N, lazy_fk_targets=lazy)) == [
            ("ModifyTable", "k"),
            ("DropTable", "gone"),
            ("AddTable", "fresh"),
            ("ModifyTable", "m"),
        ]


def test_order_does_not_depend_on_input_order():
    tables = [
        with_fks("a", fk("b_id", "b")),
        with_fks("b", fk("c_id", "c")),
        table("c"),
        with_fks("d", fk("a_id", "a"), fk("c_id", "c")),
        table("e"),
    ]
    expected = kinds(diff_schemas(schema(), schema(*tables), N))
    for seed in range(5):
        shuffled = tables[:]
        random.Random(seed).shuffle(shuffled)
        assert kinds(diff_schemas(schema(), schema(*shuffled), N)) == expected
        assert kinds(diff_schemas(schema(*shuffled), schema(), N)) == kinds(
            diff_schemas(schema(*tables), schema(), N)
        )


def _cycle() -> list[Table]:
    return [with_fks("a", fk("b_id", "b")), with_fks("b", fk("a_id", "a")), with_fks("c", fk("a_id", "a"))]


def test_fk_cycle_stays_inline_on_a_lazy_database():
    changes = diff_schemas(schema(), schema(*_cycle()), N, lazy_fk_targets=True)
    assert all(isinstance(c, AddTable) for c in changes)
    assert sorted(kinds(changes)) == [("AddTable", "a"), ("AddTable", "b"), ("AddTable", "c")]
    assert all(c.table.foreign_keys for c in changes)
    # c references a, so it still comes after a.
    names = [c.table.name for c in changes]
    assert names.index("a") < names.index("c")


def test_fk_cycle_is_broken_with_a_later_add_foreign_key_on_a_strict_database():
    changes = diff_schemas(schema(), schema(*_cycle()), N, lazy_fk_targets=False)
    assert kinds(changes) == [("AddTable", "b"), ("AddTable", "a"), ("AddTable", "c"), ("ModifyTable", "b")]
    created_b = changes[0].table
    assert created_b.foreign_keys == []
    attach = changes[3]
    assert attach.old == created_b
    assert attach.new.foreign_keys == [fk("a_id", "a")]
    assert attach.changes == [AddForeignKey(fk("a_id", "a"))]


def test_fk_cycle_among_dropped_tables():
    lazy = diff_schemas(schema(*_cycle()), schema(), N, lazy_fk_targets=True)
    assert [type(c) for c in lazy] == [DropTable] * 3
    strict = diff_schemas(schema(*_cycle()), schema(), N, lazy_fk_targets=False)
    detach = strict[0]
    assert isinstance(detach, ModifyTable)
    assert all(isinstance(c, DropForeignKey) for c in detach.changes)
    assert [type(c) for c in strict[1:]] == [DropTable] * 3
    dropped = [c.table.name for c in strict[1:]]
    assert dropped.index("c") < dropped.index("a")


def test_strict_database_splits_a_modify_around_drops_and_creates():
    # k loses its FK to a dropped table and gains one to a created table: the drop of the FK must precede the
    # drop of "gone", the new FK must follow the creation of "fresh".
    old_k = with_fks("k", fk("gone_id", "gone"))
    new_k = table(
        "k",
        Column("id", "integer", nullable=False),
        Column("gone_id", "integer"),
        Column("fresh_id", "integer"),
        foreign_keys=[fk("fresh_id", "fresh")],
    )
    current = schema(table("gone"), old_k)
    desired = schema(new_k, table("fresh"))
    strict = diff_schemas(current, desired, N, lazy_fk_targets=False)
    assert kinds(strict) == [
        ("ModifyTable", "k"),
        ("DropTable", "gone"),
        ("AddTable", "fresh"),
        ("ModifyTable", "k"),
        ("ModifyTable", "k"),
    ]
    drop_fk, _, _, add_column, add_fk = strict
    assert [type(c) for c in drop_fk.changes] == [DropForeignKey]
    assert [type(c) for c in add_column.changes] == [AddColumn]
    assert [type(c) for c in add_fk.changes] == [AddForeignKey]
    # Each part starts where the previous one ended.
    assert drop_fk.old == old_k and add_fk.new == new_k
    assert drop_fk.new == add_column.old and add_column.new == add_fk.old
    # A lazy database does it in one modification.
    lazy = diff_schemas(current, desired, N, lazy_fk_targets=True)
    assert kinds(lazy) == [("ModifyTable", "k"), ("DropTable", "gone"), ("AddTable", "fresh")]


def test_strict_database_modifies_a_table_before_creating_one_that_references_it():
    old_p = table("p", Column("id", "integer", nullable=False), Column("code", "text"))
    new_p = replace(old_p, indexes=[Index("p_code", [IndexPart("code")], unique=True)])
    child = table(
        "child",
        Column("id", "integer", nullable=False),
        Column("code", "text"),
        foreign_keys=[ForeignKey(None, ["code"], "p", ["code"])],
    )
    strict = diff_schemas(schema(old_p), schema(new_p, child), N, lazy_fk_targets=False)
    assert kinds(strict) == [("ModifyTable", "p"), ("AddTable", "child")]
    lazy = diff_schemas(schema(old_p), schema(new_p, child), N, lazy_fk_targets=True)
    assert kinds(lazy) == [("AddTable", "child"), ("ModifyTable", "p")]


# ---- with SQLite's inspector and normaliser ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "desired"),
    [
        ("CREATE TABLE t (n VARCHAR(200))", "CREATE TABLE t (n varchar(200))"),
        ("CREATE TABLE t (n integer DEFAULT 0)", "CREATE TABLE t (n integer DEFAULT (0))"),
        ("CREATE TABLE t (n integer, CHECK (n>0))", "CREATE TABLE t (n integer, CHECK ( N > 0 ))"),
        (
            "CREATE TABLE t (n text); CREATE INDEX i ON t (lower(n))",
            "CREATE TABLE t (n text); CREATE INDEX i ON t (LOWER( n ))",
        ),
        (
            "CREATE TABLE t (a int, b int, UNIQUE (a), UNIQUE (b))",
            "CREATE TABLE t (a int, b int, UNIQUE (b), UNIQUE (a))",
        ),
        (
            "CREATE TABLE p (id integer PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p (id))",
            "CREATE TABLE p (id integer PRIMARY KEY);"
            "CREATE TABLE c (p_id int, FOREIGN KEY (p_id) REFERENCES p (id))",
        ),
    ],
)
def test_sqlite_spellings_of_the_same_schema_have_no_changes(current, desired):
    assert diff(connect(current), connect(desired)) == []


def test_sqlite_differences_are_found():
    current = connect("CREATE TABLE t (n varchar(200), m int DEFAULT 0, CHECK (m > 0))")
    desired = connect("CREATE TABLE t (n varchar(100), m int DEFAULT 1, CHECK (m > 1))")
    (modify,) = diff(current, desired)
    assert [type(c) for c in modify.changes] == [DropCheck, ModifyColumn, ModifyColumn, AddCheck]
    assert [c.change for c in modify.changes if isinstance(c, ModifyColumn)] == [
        ColumnChange.TYPE,
        ColumnChange.DEFAULT,
    ]
