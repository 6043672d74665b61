"""A dialect-neutral description of small schemas, and the hypothesis strategies that draw pairs of them.

Names come from small pools so that two schemas share tables and columns: most differences between a pair are
then *alterations* (a column retyped, an index made unique, a key dropped), which is where planners go wrong,
rather than whole tables created and dropped. A pair is either two independent draws or a draw and a mutation
of it; every choice shrinks towards "unchanged", so a failing example shrinks to the few edits that matter.

Every schema is valid for its dialect by construction (the ``Palette`` says what the dialect supports) and is
repaired after mutation, so a build error while creating one is a bug of this generator, not of graticule.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hypothesis import assume
from hypothesis import strategies as st

TABLE_NAMES = ("t0", "t1", "t2", "t3")
COLUMN_NAMES = ("c0", "c1", "c2", "c3", "c4")
FK_NAMES = ("f0", "f1", "c4")
"""Key column names; c4 may also be a plain column, so that a pair can turn one into the other."""
KEY_KINDS = ("int", "bigint")
ACTIONS = ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")

NOW = "<now>"
"""The default that means the current timestamp (each dialect spells it its own way)."""


@dataclass(frozen=True)
class Expr:
    """A default written as an expression, ``(1 + 2)``: the databases store and report it unlike a literal."""

    sql: str


# Kinds whose values convert into each other for the rows the test inserts (1, 2 or 'r1', 'r2'): a column
# retyped within its family keeps its rows; across families only NULLs are sure to survive.
FAMILY = {
    "int": "num",
    "bigint": "num",
    "smallint": "num",
    "decimal": "num",
    "float": "num",
    "varchar": "str",
    "text": "str",
    "bool": "bool",
    "date": "date",
    "timestamp": "timestamp",
    "json": "json",
}

# Checks and partial-index predicates by family. All of them hold for every value the test writes: the
# generated defaults and the rows' values (see ``row_value``), so adding one to a table with rows is safe.
CHECKS = {
    "num": ("{c} >= 0", "{c} < 1000", "{c} BETWEEN 0 AND 1000"),
    "str": ("{c} <> 'zzz'", "length({c}) < 300"),
    "date": ("{c} > '1900-01-01'",),
    "timestamp": ("{c} > '1900-01-01'",),
}
PREDICATES = ("{c} IS NOT NULL", "{c} > 0")


@dataclass(frozen=True)
class Palette:
    """What a dialect supports, as far as the generator needs to know."""

    kinds: tuple[str, ...]
    unindexable: frozenset[str] = frozenset({"json"})
    partial_indexes: bool = False
    actions: tuple[str, ...] = ACTIONS
    deferrable: bool = False
    auto_kinds: tuple[str, ...] = KEY_KINDS
    """Primary-key kinds that may be auto-incrementing (SQLite: only INTEGER PRIMARY KEY AUTOINCREMENT)."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    size: tuple[int, ...] = ()
    """``(n,)`` for varchar, ``(precision, scale)`` for decimal."""
    nullable: bool = True
    default: object = None
    """None for no default, ``NOW``, or a value of the kind (int, str, bool, float)."""


@dataclass(frozen=True)
class ForeignKey:
    """A key column ``column`` referencing ``ref(id)``; its type is the referenced primary key's."""

    column: str
    ref: str
    nullable: bool = True
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    enforced: bool = True
    """False: the column is there without its constraint (so a pair can add or drop just the constraint)."""
    deferrable: bool = False
    table_level: bool = False
    """SQLite: declared as ``CONSTRAINT … FOREIGN KEY`` after the columns instead of inline REFERENCES."""


@dataclass(frozen=True)
class Index:
    name: str
    parts: tuple[tuple[str, bool], ...]
    """``(column, descending)`` pairs."""
    unique: bool = False
    constraint: bool = False
    """Declared in the table (UNIQUE constraint / UNIQUE KEY) rather than by CREATE INDEX."""
    predicate: tuple[str, str] | None = None
    """``(template, column)`` of a partial index's WHERE clause."""


@dataclass(frozen=True)
class Check:
    name: str
    column: str
    template: str


@dataclass(frozen=True)
class Table:
    name: str
    pk_kind: str = "int"
    auto: bool = False
    columns: tuple[Column, ...] = ()
    fks: tuple[ForeignKey, ...] = ()
    indexes: tuple[Index, ...] = ()
    checks: tuple[Check, ...] = ()

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def fk(self, column: str) -> ForeignKey | None:
        return next((f for f in self.fks if f.column == column), None)


@dataclass(frozen=True)
class Schema:
    tables: tuple[Table, ...] = field(default=())

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def key_kind(self, fk: ForeignKey) -> str:
        ref = self.table(fk.ref)
        assert ref is not None, fk
        return ref.pk_kind


def row_value(kind: str, row: int) -> object:
    """The value row ``row`` (1 or 2) holds in a column of ``kind``: distinct per row, so unique indexes hold,
    and valid in every kind of the family, so a retype within the family keeps it."""
    family = FAMILY[kind]
    if family == "num":
        return row
    if family == "str":
        return f"r{row}"
    if family == "bool":
        return row == 1
    if family == "date":
        return f"2001-01-0{row}"
    if family == "timestamp":
        return f"2001-01-0{row} 00:00:00"
    return f'{{"k": {row}}}'


def chance(draw: st.DrawFn, percent: int) -> bool:
    """True with about ``percent`` % probability; shrinks to False (hypothesis minimises integers to 0)."""
    return draw(st.integers(0, 99)) >= 100 - percent


# ---- columns -----------------------------------------------------------------------------------------------


def sizes(kind: str) -> st.SearchStrategy[tuple[int, ...]]:
    if kind == "varchar":
        return st.sampled_from([(20,), (8,), (255,)])
    if kind == "decimal":
        return st.sampled_from([(8, 2), (5, 0), (10, 2)])
    return st.just(())


def defaults(kind: str, size: tuple[int, ...]) -> st.SearchStrategy[object]:
    """Defaults valid for the type, and satisfying every check of its family (see CHECKS)."""
    if kind in ("int", "bigint", "smallint"):
        return st.one_of(st.integers(0, 100), st.sampled_from([Expr("1 + 2"), Expr("-(-4)")]))
    if kind == "decimal":
        scale = size[1]
        whole = st.integers(0, 100).map(str)
        return whole if scale == 0 else st.one_of(whole, st.sampled_from(["1.5", "12.25", "99.99"]))
    if kind == "float":
        return st.sampled_from([0.0, 1.5, 2.25])
    if kind in ("varchar", "text"):
        # Quotes, a space and a non-ASCII letter exercise quoting and the databases' default spellings.
        limit = size[0] if size else 6
        return st.text(alphabet="ab 'é", max_size=min(limit, 6)).filter(lambda s: s != "zzz")
    if kind == "bool":
        return st.booleans()
    if kind == "date":
        return st.sampled_from(["2020-01-01", "1999-12-31"])
    if kind == "timestamp":
        return st.sampled_from(["2020-01-01 10:00:00", NOW])
    return st.sampled_from(["{}", "[]", '{"a": 1}'])


@st.composite
def columns(draw: st.DrawFn, palette: Palette, name: str) -> Column:
    kind = draw(st.sampled_from(palette.kinds))
    size = draw(sizes(kind))
    return Column(
        name,
        kind,
        size,
        nullable=draw(st.booleans()),
        default=draw(st.one_of(st.none(), defaults(kind, size))),
    )


@st.composite
def retyped(draw: st.DrawFn, palette: Palette, column: Column) -> Column:
    """The column with another type (often of the same family, so rows survive), its default redrawn."""
    family = [k for k in palette.kinds if FAMILY[k] == FAMILY[column.kind]]
    kind = draw(st.sampled_from(family if chance(draw, 70) else palette.kinds))
    size = draw(sizes(kind))
    default = None if column.default is None else draw(st.one_of(st.none(), defaults(kind, size)))
    return replace(column, kind=kind, size=size, default=default)


# ---- keys, indexes, checks ---------------------------------------------------------------------------------


@st.composite
def foreign_keys(draw: st.DrawFn, palette: Palette, column: str, names: list[str]) -> ForeignKey:
    return ForeignKey(
        column,
        draw(st.sampled_from(names)),
        nullable=draw(st.booleans()),
        on_delete=draw(st.sampled_from(palette.actions)),
        on_update=draw(st.sampled_from(palette.actions)),
        enforced=not chance(draw, 15),
        deferrable=palette.deferrable and chance(draw, 30),
        table_level=chance(draw, 30),
    )


def indexable(palette: Palette, table: Table) -> list[str]:
    plain = [c.name for c in table.columns if c.kind not in palette.unindexable]
    return plain + [f.column for f in table.fks]


@st.composite
def indexes(draw: st.DrawFn, palette: Palette, table: Table, name: str) -> Index | None:
    candidates = indexable(palette, table)
    if not candidates:
        return None
    keys = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=2, unique=True))
    parts = tuple((c, chance(draw, 20)) for c in keys)
    unique = draw(st.booleans())
    predicate = None
    if palette.partial_indexes and chance(draw, 25):
        predicate = (draw(st.sampled_from(PREDICATES)), draw(st.sampled_from(candidates)))
    return Index(name, parts, unique=unique, constraint=unique and chance(draw, 50), predicate=predicate)


def checkable(table: Table) -> list[Column]:
    return [c for c in table.columns if FAMILY[c.kind] in CHECKS]


@st.composite
def checks(draw: st.DrawFn, table: Table, name: str) -> Check | None:
    candidates = checkable(table)
    if not candidates:
        return None
    column = draw(st.sampled_from(candidates))
    return Check(name, column.name, draw(st.sampled_from(CHECKS[FAMILY[column.kind]])))


def unused(prefix: str, taken: set[str]) -> str:
    return next(f"{prefix}{k}" for k in range(100) if f"{prefix}{k}" not in taken)


@st.composite
def extras(draw: st.DrawFn, palette: Palette, table: Table, max_indexes: int, max_checks: int) -> Table:
    """The table with up to ``max_indexes`` new indexes and ``max_checks`` new checks."""
    found = list(table.indexes)
    for _ in range(draw(st.integers(0, max_indexes))):
        index = draw(indexes(palette, table, unused(f"{table.name}_i", {i.name for i in found})))
        if index is not None:
            found.append(index)
    constraints = list(table.checks)
    for _ in range(draw(st.integers(0, max_checks))):
        check = draw(checks(table, unused(f"{table.name}_ck", {c.name for c in constraints})))
        if check is not None:
            constraints.append(check)
    return replace(table, indexes=tuple(found), checks=tuple(constraints))


# ---- tables and schemas ------------------------------------------------------------------------------------


@st.composite
def tables(draw: st.DrawFn, palette: Palette, name: str, names: list[str]) -> Table:
    plain = sorted(draw(st.lists(st.sampled_from(COLUMN_NAMES), max_size=4, unique=True)))
    free = [c for c in FK_NAMES if c not in plain]
    keyed = sorted(draw(st.lists(st.sampled_from(free), max_size=2, unique=True)))
    table = Table(
        name,
        pk_kind=draw(st.sampled_from(KEY_KINDS)),
        auto=draw(st.booleans()),
        columns=tuple(draw(columns(palette, c)) for c in plain),
        fks=tuple(draw(foreign_keys(palette, c, names)) for c in keyed),
    )
    return draw(extras(palette, table, max_indexes=2, max_checks=2))


@st.composite
def schemas(draw: st.DrawFn, palette: Palette) -> Schema:
    names = sorted(draw(st.lists(st.sampled_from(TABLE_NAMES), min_size=1, max_size=4, unique=True)))
    return repair(palette, Schema(tuple(draw(tables(palette, n, names)) for n in names)))


@st.composite
def mutated_columns(draw: st.DrawFn, palette: Palette, table: Table) -> tuple[Column, ...]:
    result = []
    for column in table.columns:
        if not chance(draw, 40):
            result.append(column)
            continue
        edit = draw(st.sampled_from(["nullable", "default", "retype", "drop", "redraw"]))
        if edit == "nullable":
            result.append(replace(column, nullable=not column.nullable))
        elif edit == "default":
            result.append(
                replace(column, default=draw(st.one_of(st.none(), defaults(column.kind, column.size))))
            )
        elif edit == "retype":
            result.append(draw(retyped(palette, column)))
        elif edit == "redraw":
            result.append(draw(columns(palette, column.name)))
    free = [c for c in COLUMN_NAMES if table.column(c) is None]
    if free and chance(draw, 30):
        result.append(draw(columns(palette, draw(st.sampled_from(free)))))
    return tuple(sorted(result, key=lambda c: c.name))


@st.composite
def mutated_fks(draw: st.DrawFn, palette: Palette, table: Table, names: list[str]) -> tuple[ForeignKey, ...]:
    result = []
    for fk in table.fks:
        if not chance(draw, 40):
            result.append(fk)
            continue
        edit = draw(st.sampled_from(["nullable", "actions", "enforced", "drop", "redraw"]))
        if edit == "nullable":
            result.append(replace(fk, nullable=not fk.nullable))
        elif edit == "actions":
            on_delete, on_update = (
                draw(st.sampled_from(palette.actions)),
                draw(st.sampled_from(palette.actions)),
            )
            result.append(replace(fk, on_delete=on_delete, on_update=on_update))
        elif edit == "enforced":
            result.append(replace(fk, enforced=not fk.enforced))
        elif edit == "redraw":
            result.append(draw(foreign_keys(palette, fk.column, names)))
    free = [c for c in FK_NAMES if table.fk(c) is None]
    if free and chance(draw, 20):
        result.append(draw(foreign_keys(palette, draw(st.sampled_from(free)), names)))
    return tuple(sorted(result, key=lambda f: f.column))


@st.composite
def mutated_tables(draw: st.DrawFn, palette: Palette, table: Table, names: list[str]) -> Table:
    pk_kind = table.pk_kind
    if chance(draw, 15):
        pk_kind = "bigint" if pk_kind == "int" else "int"
    auto = not table.auto if chance(draw, 15) else table.auto
    plain, keys = draw(mutated_columns(palette, table)), draw(mutated_fks(palette, table, names))
    # A name both lists now hold (a key added where a plain column is, or the reverse) keeps one of them:
    # the column turns into a key column, or a key column into a plain one.
    for name in sorted({c.name for c in plain} & {f.column for f in keys}):
        if draw(st.booleans()):
            plain = tuple(c for c in plain if c.name != name)
        else:
            keys = tuple(f for f in keys if f.column != name)
    changed = replace(table, pk_kind=pk_kind, auto=auto, columns=plain, fks=keys)
    kept_indexes = []
    for index in table.indexes:
        if not chance(draw, 30):
            kept_indexes.append(index)
            continue
        edit = draw(st.sampled_from(["unique", "constraint", "drop", "redraw"]))
        if edit == "unique":
            kept_indexes.append(replace(index, unique=not index.unique))
        elif edit == "constraint":  # a UNIQUE constraint becomes a unique index, or the other way round
            kept_indexes.append(replace(index, unique=True, constraint=not index.constraint))
        elif edit == "redraw":  # same name, other columns, order, direction or predicate
            redrawn = draw(indexes(palette, changed, index.name))
            kept_indexes += [redrawn] if redrawn is not None else []
    kept_checks = []
    for check in table.checks:
        if not chance(draw, 30):
            kept_checks.append(check)
        elif draw(st.booleans()):  # else dropped: the same name, another expression
            redrawn_check = draw(checks(changed, check.name))
            kept_checks += [redrawn_check] if redrawn_check is not None else []
    changed = replace(changed, indexes=tuple(kept_indexes), checks=tuple(kept_checks))
    return draw(extras(palette, changed, max_indexes=1, max_checks=1))


@st.composite
def mutations(draw: st.DrawFn, palette: Palette, schema: Schema) -> Schema:
    kept = [t for t in schema.tables if not chance(draw, 10)] or [schema.tables[0]]
    free = [n for n in TABLE_NAMES if schema.table(n) is None]
    added = [draw(st.sampled_from(free))] if free and chance(draw, 20) else []
    names = sorted([t.name for t in kept] + added)
    result = [draw(mutated_tables(palette, t, names)) for t in kept]
    result += [draw(tables(palette, n, names)) for n in added]
    return repair(palette, Schema(tuple(sorted(result, key=lambda t: t.name))))


@st.composite
def schema_pairs(draw: st.DrawFn, palette: Palette) -> tuple[Schema, Schema]:
    """(current, desired): a schema and a mutation of it, or (a quarter of the time) two unrelated ones."""
    current = draw(schemas(palette))
    desired = draw(schemas(palette)) if chance(draw, 25) else draw(mutations(palette, current))
    # A mutation that changed nothing tests only that a state diffs empty against itself: keep a few.
    assume(desired != current or chance(draw, 20))
    return current, desired


# ---- validity ----------------------------------------------------------------------------------------------


def repair(palette: Palette, schema: Schema) -> Schema:
    """Drop or adjust what a mutation left invalid: keys to vanished tables, indexes and checks on vanished or
    retyped columns, SET NULL on a NOT NULL key, auto-increment on a kind that may not have it."""
    names = {t.name for t in schema.tables}
    return Schema(tuple(_repair_table(palette, t, names) for t in schema.tables))


def _repair_table(palette: Palette, table: Table, names: set[str]) -> Table:
    fks = []
    for fk in table.fks:
        if fk.ref not in names:
            continue
        if not fk.nullable:
            # Both would write NULL into a NOT NULL column; MySQL refuses SET NULL there outright.
            fk = replace(
                fk,
                on_delete="NO ACTION" if fk.on_delete in ("SET NULL", "SET DEFAULT") else fk.on_delete,
                on_update="NO ACTION" if fk.on_update in ("SET NULL", "SET DEFAULT") else fk.on_update,
            )
        fks.append(replace(fk, deferrable=fk.deferrable and fk.enforced))
    table = replace(table, fks=tuple(fks), auto=table.auto and table.pk_kind in palette.auto_kinds)
    usable = set(indexable(palette, table))
    kinds = {c.name: c.kind for c in table.columns} | {f.column: "int" for f in table.fks}
    found = []
    for index in table.indexes:
        parts = tuple(p for p in index.parts if p[0] in usable)
        if not parts:
            continue
        predicate = index.predicate
        if predicate is not None:
            template, column = predicate
            if not palette.partial_indexes or column not in kinds:
                predicate = None
            elif template != PREDICATES[0] and FAMILY[kinds[column]] != "num":
                predicate = (PREDICATES[0], column)
        # A UNIQUE constraint takes plain ascending columns, no WHERE clause.
        constraint = index.constraint and index.unique and predicate is None and not any(d for _, d in parts)
        found.append(replace(index, parts=parts, predicate=predicate, constraint=constraint))
    valid_checks = tuple(
        c
        for c in table.checks
        if (col := table.column(c.column)) is not None and c.template in CHECKS.get(FAMILY[col.kind], ())
    )
    return replace(table, indexes=tuple(found), checks=valid_checks)
