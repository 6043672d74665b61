"""Key columns named from attribute numbers: the inspector reads keys as numbers and names them from the
columns it has read, so gaps left by dropped columns, repeats and tables outside the schema must come out
right."""

from __future__ import annotations

from graticule.planner.schema import ForeignKey, Index, IndexPart, PrimaryKey

from .helpers import inspect, run


def test_keys_after_dropped_columns(db):
    run(
        db,
        """CREATE SCHEMA far;
        CREATE TABLE far.ref (gone1 int, gone2 int, code int, kind int, PRIMARY KEY (kind, code));
        ALTER TABLE far.ref DROP COLUMN gone1;
        ALTER TABLE far.ref DROP COLUMN gone2;
        CREATE TABLE p (gone int, a int, b int);
        ALTER TABLE p DROP COLUMN gone;
        ALTER TABLE p ADD PRIMARY KEY (b, a);
        CREATE TABLE c (gone1 int, x int, gone2 int, y int, z int, k int, w text);
        ALTER TABLE c DROP COLUMN gone1;
        ALTER TABLE c DROP COLUMN gone2;
        ALTER TABLE c ADD CONSTRAINT c_pk PRIMARY KEY (z, x);
        ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (y, x) REFERENCES p (a, b);
        ALTER TABLE c ADD CONSTRAINT c_yy FOREIGN KEY (y, y) REFERENCES p (b, a);
        ALTER TABLE c ADD CONSTRAINT c_far FOREIGN KEY (k, z) REFERENCES far.ref (code, kind);
        ALTER TABLE c ADD CONSTRAINT c_u UNIQUE (k, y);
        CREATE INDEX c_mixed ON c (w, lower(w), y DESC) INCLUDE (z, x);
        ALTER TABLE c ADD COLUMN late int;
        CREATE INDEX c_late ON c (late)""",
    )
    c, p = inspect(db).tables
    assert [col.name for col in c.columns] == ["x", "y", "z", "k", "w", "late"]
    assert c.primary_key == PrimaryKey(columns=["z", "x"], name="c_pk")
    assert p.primary_key == PrimaryKey(columns=["b", "a"], name="p_pkey")
    assert c.foreign_keys == [
        ForeignKey(
            name="c_far", columns=["k", "z"], ref_table="ref", ref_columns=["code", "kind"], ref_schema="far"
        ),
        ForeignKey(name="c_p", columns=["y", "x"], ref_table="p", ref_columns=["a", "b"]),
        ForeignKey(name="c_yy", columns=["y", "y"], ref_table="p", ref_columns=["b", "a"]),
    ]
    late, mixed, unique = c.indexes
    assert late == Index(name="c_late", parts=[IndexPart(column="late")])
    assert mixed == Index(
        name="c_mixed",
        parts=[IndexPart(column="w"), IndexPart(expr="lower(w)"), IndexPart(column="y", desc=True)],
        include=["z", "x"],
    )
    assert unique == Index(
        name="c_u", parts=[IndexPart(column="k"), IndexPart(column="y")], unique=True, constraint=True
    )
