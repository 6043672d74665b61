"""Dialect-neutral diff: two schema models in, the ordered changes that turn the first into the second out.

Equality of types, defaults and expressions is never decided here: every such value goes through the
driver's :class:`~graticule.planner.drivers.Normalizer` keys, so ``VARCHAR(200)`` and ``varchar(200)`` (or
``'x'::text`` and ``'x'`` on PostgreSQL) compare equal where the dialect says they are. Names compare as-is.

Ordering follows Atlas: table-level changes form a dependency graph (a table is created after the tables its
foreign keys reference, dropped before the tables it references, foreign keys to dropped tables go first) that
is sorted topologically with the phases *FK drops → drops → adds → modifies* and table names as tie-breakers,
so the same input always yields the same output.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from .changes import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddIndex,
    AddTable,
    Change,
    ColumnChange,
    DropCheck,
    DropColumn,
    DropForeignKey,
    DropIndex,
    DropTable,
    ModifyColumn,
    ModifyPrimaryKey,
    ModifySchema,
    ModifyTable,
    ModifyTableComment,
    ModifyTableOptions,
    TableChange,
)
from .drivers import Normalizer
from .schema import Check, Column, ForeignKey, Generated, Index, IndexPart, PrimaryKey, Schema, Table

T = TypeVar("T")


def diff_schemas(
    current: Schema, desired: Schema, normalizer: Normalizer, *, lazy_fk_targets: bool = False
) -> list[Change]:
    """The changes that migrate ``current`` to ``desired``, in an order a database can execute.

    ``lazy_fk_targets`` is a driver capability (``Driver.lazy_fk_targets``): the database resolves a foreign
    key's target only when rows are written, never while DDL runs (SQLite). Tables in a foreign-key cycle can
    then be created and dropped with their foreign keys inline; otherwise the cycle is broken by creating the
    tables first and adding the cutting foreign keys afterwards (and the mirror image for drops).
    """
    current_tables = {t.name: t for t in current.tables}
    desired_tables = {t.name: t for t in desired.tables}
    dropped = [t for name, t in sorted(current_tables.items()) if name not in desired_tables]
    added = [t for name, t in sorted(desired_tables.items()) if name not in current_tables]
    modified = []
    for name, old in sorted(current_tables.items()):
        new = desired_tables.get(name)
        if new is not None and (changes := diff_tables(old, new, normalizer)):
            modified.append(ModifyTable(old, new, changes))
    if not lazy_fk_targets:
        modified = _reattach_fks_to_replaced_keys(current_tables, desired_tables, modified)
    ordered = _order(dropped, added, modified, lazy_fk_targets)
    if current.attrs != desired.attrs:
        return [ModifySchema(current, desired), *ordered]
    return ordered


def _reattach_fks_to_replaced_keys(
    current: dict[str, Table], desired: dict[str, Table], modified: list[ModifyTable]
) -> list[ModifyTable]:
    """Foreign keys that stay but rest on a primary key or unique key being dropped or replaced.

    A strict database ties a foreign key to the key it references and refuses to drop that key under it, so
    such a foreign key is dropped before the key goes and added again afterwards (the ordering puts the two
    halves around the referenced table's modification). Tables without changes of their own gain a
    modification for it.
    """
    by_name = {m.new.name: m for m in modified}
    lost: dict[str, list[frozenset[str]]] = {}
    for m in modified:
        for c in m.changes:
            if isinstance(c, DropIndex) and c.index.unique:
                lost.setdefault(m.new.name, []).append(frozenset(c.index.columns))
            elif isinstance(c, ModifyPrimaryKey) and c.old is not None:
                lost.setdefault(m.new.name, []).append(frozenset(c.old.columns))
    if not lost:
        return modified
    for name, old in sorted(current.items()):
        new = desired.get(name)
        if new is None:
            continue
        modify = by_name.get(name)
        already = {
            fk.name
            for c in (modify.changes if modify else [])
            if isinstance(c, DropForeignKey)
            for fk in [c.foreign_key]
        }
        desired_fks = {fk.name: fk for fk in new.foreign_keys if fk.name is not None}
        for fk in old.foreign_keys:
            if fk.name is None or fk.name in already or fk.name not in desired_fks:
                continue
            if fk.ref_schema is not None or frozenset(fk.ref_columns) not in lost.get(fk.ref_table, []):
                continue
            if modify is None:
                modify = by_name[name] = ModifyTable(old, new, [])
                modified.append(modify)
            modify.changes.insert(0, DropForeignKey(fk))
            modify.changes.append(AddForeignKey(desired_fks[fk.name]))
    return sorted(modified, key=lambda m: m.new.name)


def diff_tables(old: Table, new: Table, normalizer: Normalizer) -> list[TableChange]:
    """The changes inside one table (matched by name).

    Dependants are removed before the columns they use change, and added after: drops of foreign keys, checks
    and indexes come first, then columns and the primary key, then the new indexes, foreign keys and checks.
    An index, foreign key or check that changed in place is reported as a drop plus an add of the new version.
    """
    indexes = _pair_up(old.indexes, new.indexes, _index_name, lambda i: _index_key(i, normalizer))
    fks = _pair_up(old.foreign_keys, new.foreign_keys, _fk_name, _fk_target)
    checks = _pair_up(old.checks, new.checks, _check_name, lambda c: normalizer.expr_key(c.expr))

    changed_indexes = [
        (o, n) for o, n in indexes.pairs if _index_key(o, normalizer) != _index_key(n, normalizer)
    ]
    changed_fks = [(o, n) for o, n in fks.pairs if _fk_key(o) != _fk_key(n)]
    changed_checks = [
        (o, n) for o, n in checks.pairs if _check_key(o, normalizer) != _check_key(n, normalizer)
    ]

    changes: list[TableChange] = []
    changes += [DropForeignKey(fk) for fk in [*fks.only_old, *(o for o, _ in changed_fks)]]
    changes += [DropCheck(c) for c in [*checks.only_old, *(o for o, _ in changed_checks)]]
    changes += [DropIndex(i) for i in [*indexes.only_old, *(o for o, _ in changed_indexes)]]
    changes += _column_changes(old, new, normalizer)
    if _pk_key(old.primary_key) != _pk_key(new.primary_key):
        changes.append(ModifyPrimaryKey(old.primary_key, new.primary_key))
    changes += [AddIndex(i) for i in _in_order(new.indexes, indexes.only_new, changed_indexes)]
    changes += [AddForeignKey(fk) for fk in _in_order(new.foreign_keys, fks.only_new, changed_fks)]
    changes += [AddCheck(c) for c in _in_order(new.checks, checks.only_new, changed_checks)]
    if old.comment != new.comment:
        changes.append(ModifyTableComment(old.comment, new.comment))
    if old.options != new.options:
        changes.append(ModifyTableOptions(old.options, new.options))
    return changes


def column_change(old: Column, new: Column, normalizer: Normalizer) -> ColumnChange:
    """What differs between two versions of a column (``ColumnChange.NONE`` when they are equal)."""
    change = ColumnChange.NONE
    if normalizer.type_key(old) != normalizer.type_key(new):
        change |= ColumnChange.TYPE
    if old.nullable != new.nullable:
        change |= ColumnChange.NULL
    if normalizer.default_key(old) != normalizer.default_key(new):
        change |= ColumnChange.DEFAULT
    if _generated_key(old.generated, normalizer) != _generated_key(new.generated, normalizer):
        change |= ColumnChange.GENERATED
    if old.collation != new.collation:
        change |= ColumnChange.COLLATION
    if old.comment != new.comment:
        change |= ColumnChange.COMMENT
    if old.auto_increment != new.auto_increment:
        change |= ColumnChange.AUTO_INCREMENT
    if old.attrs != new.attrs:
        change |= ColumnChange.ATTRS
    return change


# ---- columns -----------------------------------------------------------------------------------------------


def _column_changes(old: Table, new: Table, normalizer: Normalizer) -> list[TableChange]:
    new_columns = {c.name: c for c in new.columns}
    old_names = {c.name for c in old.columns}
    changes: list[TableChange] = []
    for column in old.columns:
        target = new_columns.get(column.name)
        if target is None:
            changes.append(DropColumn(column))
        elif change := column_change(column, target, normalizer):
            changes.append(ModifyColumn(column, target, change))
    changes += [AddColumn(c) for c in new.columns if c.name not in old_names]
    return changes


def _generated_key(generated: Generated | None, normalizer: Normalizer) -> tuple | None:
    if generated is None:
        return None
    return normalizer.expr_key(generated.expr), generated.stored


def _pk_key(pk: PrimaryKey | None) -> tuple | None:
    if pk is None:
        return None
    return tuple(pk.columns), pk.name, pk.auto_increment


# ---- indexes, foreign keys, checks: matching ---------------------------------------------------------------


@dataclass
class _Pairing:
    pairs: list[tuple[Any, Any]] = field(default_factory=list)
    only_old: list[Any] = field(default_factory=list)
    only_new: list[Any] = field(default_factory=list)


def _pair_up(
    old: Sequence[T],
    new: Sequence[T],
    name: Callable[[T], str | None],
    identity: Callable[[T], Hashable],
) -> _Pairing:
    """Match objects of two table versions: by name when both sides have one, else by their identity key.

    Unnamed objects exist where the database keeps no name (SQLite inline UNIQUE, REFERENCES, CHECK), so the
    only way to recognise them across two states is what they are. Duplicates pair off in order.
    """
    result = _Pairing()
    new_by_name = {name(n): n for n in new if name(n) is not None}
    taken: set[int] = set()
    unmatched_old = []
    for o in old:
        match = new_by_name.get(name(o)) if name(o) is not None else None
        if match is not None:
            result.pairs.append((o, match))
            taken.add(id(match))
        else:
            unmatched_old.append(o)
    for o in unmatched_old:
        match = next(
            (
                n
                for n in new
                if id(n) not in taken and (name(o) is None or name(n) is None) and identity(n) == identity(o)
            ),
            None,
        )
        if match is None:
            result.only_old.append(o)
        else:
            result.pairs.append((o, match))
            taken.add(id(match))
    result.only_new = [n for n in new if id(n) not in taken]
    return result


def _in_order(in_new: Iterable[T], only_new: list[T], changed: list[tuple[T, T]]) -> list[T]:
    """Objects to add (new ones and new versions of changed ones), in the desired table's order."""
    wanted = {id(n) for n in only_new} | {id(n) for _, n in changed}
    return [n for n in in_new if id(n) in wanted]


def _index_name(index: Index) -> str | None:
    return index.name


def _fk_name(fk: ForeignKey) -> str | None:
    return fk.name


def _check_name(check: Check) -> str | None:
    return check.name


def _frozen(value: Any) -> Hashable:
    """A hashable, order-independent stand-in for the plain values kept in ``attrs`` dictionaries."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _part_key(part: IndexPart, normalizer: Normalizer) -> tuple:
    return (
        part.column,
        normalizer.expr_key(part.expr),
        part.desc,
        part.collation,
        part.opclass,
        part.prefix,
        part.nulls,
    )


def _index_key(index: Index, normalizer: Normalizer) -> tuple:
    """Everything that defines an index except its name."""
    return (
        index.unique,
        index.constraint,
        tuple(_part_key(p, normalizer) for p in index.parts),
        normalizer.expr_key(index.predicate),
        index.method,
        tuple(index.include),
        index.nulls_distinct,
        index.comment,
        _frozen(index.attrs),
    )


def _fk_target(fk: ForeignKey) -> tuple:
    """What a foreign key links: the identity of an unnamed one."""
    return tuple(fk.columns), fk.ref_schema, fk.ref_table, tuple(fk.ref_columns)


def _fk_key(fk: ForeignKey) -> tuple:
    return _fk_target(fk), fk.on_update, fk.on_delete, fk.deferrable, fk.initially_deferred


def _check_key(check: Check, normalizer: Normalizer) -> tuple:
    return normalizer.expr_key(check.expr), _frozen(check.attrs)


# ---- ordering ----------------------------------------------------------------------------------------------

# Phases are the preferred order; dependency edges override them where a change needs another one first.
_DETACH_FKS, _DROP, _ADD, _MODIFY, _ATTACH_FKS = range(5)


@dataclass
class _Node:
    change: Change
    phase: int
    table: str
    seq: int
    after: list[_Node] = field(default_factory=list)
    """Nodes that must run before this one."""


class _Graph:
    def __init__(self) -> None:
        self.nodes: list[_Node] = []

    def add(self, change: Change, phase: int, table: str) -> _Node:
        node = _Node(change, phase, table, len(self.nodes))
        self.nodes.append(node)
        return node


def _order(
    dropped: list[Table], added: list[Table], modified: list[ModifyTable], lazy_fk_targets: bool
) -> list[Change]:
    graph = _Graph()
    drops = _drop_nodes(graph, dropped, lazy_fk_targets)
    adds = _add_nodes(graph, added, lazy_fk_targets)
    if lazy_fk_targets:
        _whole_modify_nodes(graph, modified, drops)
    else:
        _split_modify_nodes(graph, modified, drops, adds, added)
    return [n.change for n in _toposort(graph.nodes)]


def _drop_nodes(graph: _Graph, dropped: list[Table], lazy_fk_targets: bool) -> dict[str, _Node]:
    """Drops: a referencing table goes before the table it references.

    A foreign key closing a cycle among dropped tables gets no order edge; a lazy database drops the cycle as
    it is, a strict one first drops that foreign key on its own.
    """
    names = {t.name for t in dropped}
    cut = _cycle_cutting_fks(dropped, names, reverse=True)
    drops: dict[str, _Node] = {}
    detached: list[tuple[_Node, ForeignKey]] = []
    for table in dropped:
        cycle_fks = [fk for fk in table.foreign_keys if id(fk) in cut]
        if cycle_fks and not lazy_fk_targets:
            kept = _without_fks(table, cycle_fks)
            detach = graph.add(
                ModifyTable(table, kept, [DropForeignKey(fk) for fk in cycle_fks]), _DETACH_FKS, table.name
            )
            detached += [(detach, fk) for fk in cycle_fks]
            drops[table.name] = graph.add(DropTable(kept), _DROP, table.name)
            drops[table.name].after.append(detach)
        else:
            drops[table.name] = graph.add(DropTable(table), _DROP, table.name)
    for table in dropped:
        for fk in _fks_between(table, names, cut):
            drops[fk.ref_table].after.append(drops[table.name])
    for detach, fk in detached:
        drops[fk.ref_table].after.append(detach)
    return drops


def _add_nodes(graph: _Graph, added: list[Table], lazy_fk_targets: bool) -> dict[str, _Node]:
    """Creates: a referenced table is created first.

    A foreign key closing a cycle among created tables gets no order edge; a lazy database keeps it inline, a
    strict one adds it with a later modification, once every table of the cycle exists.
    """
    names = {t.name for t in added}
    cut = _cycle_cutting_fks(added, names, reverse=False)
    adds: dict[str, _Node] = {}
    attached: list[tuple[_Node, ForeignKey]] = []
    for table in added:
        cycle_fks = [fk for fk in table.foreign_keys if id(fk) in cut]
        if cycle_fks and not lazy_fk_targets:
            partial = _without_fks(table, cycle_fks)
            adds[table.name] = graph.add(AddTable(partial), _ADD, table.name)
            attach = graph.add(
                ModifyTable(partial, table, [AddForeignKey(fk) for fk in cycle_fks]), _ATTACH_FKS, table.name
            )
            attach.after.append(adds[table.name])
            attached += [(attach, fk) for fk in cycle_fks]
        else:
            adds[table.name] = graph.add(AddTable(table), _ADD, table.name)
    for table in added:
        for fk in _fks_between(table, names, cut):
            adds[table.name].after.append(adds[fk.ref_table])
    for attach, fk in attached:
        attach.after.append(adds[fk.ref_table])
    return adds


def _fks_between(table: Table, names: set[str], cut: set[int]) -> list[ForeignKey]:
    """The foreign keys of ``table`` to other tables among ``names`` that order the plan (uncut ones)."""
    return [
        fk
        for fk in table.foreign_keys
        if fk.ref_table in names and fk.ref_table != table.name and id(fk) not in cut
    ]


def _fk_drops_to(
    modify: ModifyTable, drops: dict[str, _Node], also: set[str] | frozenset[str] = frozenset()
) -> list[DropForeignKey]:
    """The foreign keys a modification drops that reference a table being dropped (or one of ``also``): they
    must go first."""
    return [
        c
        for c in modify.changes
        if isinstance(c, DropForeignKey)
        and (c.foreign_key.ref_table in drops or c.foreign_key.ref_table in also)
        and c.foreign_key.ref_table != modify.new.name
    ]


def _whole_modify_nodes(graph: _Graph, modified: list[ModifyTable], drops: dict[str, _Node]) -> None:
    """Lazy database: a modification stays one piece (on SQLite each piece would be a table rebuild). One that
    drops a foreign key to a dropped table runs before the drops, every other one after the creates."""
    for modify in modified:
        early = _fk_drops_to(modify, drops)
        node = graph.add(modify, _DETACH_FKS if early else _MODIFY, modify.new.name)
        for c in early:
            drops[c.foreign_key.ref_table].after.append(node)


def _split_modify_nodes(
    graph: _Graph,
    modified: list[ModifyTable],
    drops: dict[str, _Node],
    adds: dict[str, _Node],
    added: list[Table],
) -> None:
    """Strict database: a modification is cut where its parts must run at different times.

    Drops of foreign keys to dropped tables run before the drops, and those to modified tables that lose keys
    or columns before that modification (it may drop what the foreign key uses). The rest runs before the
    creation of tables that reference this one (a new foreign key may need the new unique key), and the new
    foreign keys to other created or modified tables run after those.
    """
    targets = set(adds) | {m.new.name for m in modified}
    mains: dict[str, _Node] = {}
    lates: list[tuple[_Node, list[AddForeignKey]]] = []
    earlies: list[tuple[_Node, list[DropForeignKey]]] = []
    losing_keys = {m.new.name for m in modified if _drops_keys(m)}
    for modify in modified:
        name = modify.new.name
        early = _fk_drops_to(modify, drops, also=losing_keys)
        late = [
            c
            for c in modify.changes
            if isinstance(c, AddForeignKey)
            and c.foreign_key.ref_table != name
            and c.foreign_key.ref_table in targets
        ]
        early_part, main_part, late_part = _split(modify, early, late)
        previous = None
        if early_part is not None:
            previous = graph.add(early_part, _DETACH_FKS, name)
            earlies.append((previous, early))
            for c in early:
                if c.foreign_key.ref_table in drops:
                    drops[c.foreign_key.ref_table].after.append(previous)
        if main_part is not None:
            mains[name] = graph.add(main_part, _MODIFY, name)
            mains[name].after += [previous] if previous else []
            previous = mains[name]
        if late_part is not None:
            node = graph.add(late_part, _ATTACH_FKS, name)
            node.after += [previous] if previous else []
            lates.append((node, late))
    for node, early in earlies:
        for c in early:
            if (main := mains.get(c.foreign_key.ref_table)) is not None:
                main.after.append(node)
    for table in added:
        adds[table.name].after += [mains[fk.ref_table] for fk in table.foreign_keys if fk.ref_table in mains]
    for node, late in lates:
        for c in late:
            ref = c.foreign_key.ref_table
            node.after += [x for x in (adds.get(ref), mains.get(ref)) if x is not None]


def _drops_keys(modify: ModifyTable) -> bool:
    """Whether a modification may remove what a foreign key from another table relies on (its referenced
    columns, or the unique key or primary key over them)."""
    return any(isinstance(c, DropIndex | DropColumn | ModifyPrimaryKey) for c in modify.changes)


def _split(
    modify: ModifyTable, early: list[DropForeignKey], late: list[AddForeignKey]
) -> tuple[ModifyTable | None, ModifyTable | None, ModifyTable | None]:
    """Cut a modification into up to three consecutive ones (None where a part is empty), each going from the
    exact state the previous one left to the state the next one expects."""
    moved = {id(c) for c in [*early, *late]}
    main = [c for c in modify.changes if id(c) not in moved]
    after_early = _without_fks(modify.old, [c.foreign_key for c in early])
    before_late = _without_fks(modify.new, [c.foreign_key for c in late])
    return (
        ModifyTable(modify.old, after_early, list(early)) if early else None,
        ModifyTable(after_early, before_late, main) if main else None,
        ModifyTable(before_late, modify.new, list(late)) if late else None,
    )


def _without_fks(table: Table, fks: list[ForeignKey]) -> Table:
    ids = {id(fk) for fk in fks}
    return replace(table, foreign_keys=[fk for fk in table.foreign_keys if id(fk) not in ids])


def _cycle_cutting_fks(tables: list[Table], names: set[str], *, reverse: bool) -> set[int]:
    """Foreign keys (by ``id``) whose removal leaves the references among ``tables`` acyclic.

    Depth-first search in name order; an edge back into the current path closes a cycle and is cut. For
    creation a table depends on the tables it references; for drops (``reverse``) the other way round.
    """
    depends: dict[str, list[tuple[str, ForeignKey]]] = {t.name: [] for t in tables}
    for table in tables:
        for fk in table.foreign_keys:
            if fk.ref_table in names and fk.ref_table != table.name:
                if reverse:
                    depends[fk.ref_table].append((table.name, fk))
                else:
                    depends[table.name].append((fk.ref_table, fk))
    cut: set[int] = set()
    done: set[str] = set()
    path: set[str] = set()

    def visit(name: str) -> None:
        path.add(name)
        for dep, fk in sorted(depends[name], key=lambda d: d[0]):
            if dep in path:
                cut.add(id(fk))
            elif dep not in done:
                visit(dep)
        path.discard(name)
        done.add(name)

    for name in sorted(depends):
        if name not in done:
            visit(name)
    return cut


def _toposort(nodes: list[_Node]) -> list[_Node]:
    """Kahn's algorithm; among the nodes ready to run, the earliest phase, then the table name, goes first."""
    successors: dict[int, list[_Node]] = {n.seq: [] for n in nodes}
    waiting: dict[int, int] = {}
    for n in nodes:
        befores = {b.seq: b for b in n.after if b is not n}
        waiting[n.seq] = len(befores)
        for b in befores.values():
            successors[b.seq].append(n)

    def key(n: _Node) -> tuple[int, str, int]:
        return n.phase, n.table, n.seq

    ready = [(key(n), n.seq) for n in nodes if waiting[n.seq] == 0]
    heapq.heapify(ready)
    by_seq = {n.seq: n for n in nodes}
    ordered: list[_Node] = []
    while ready:
        _, seq = heapq.heappop(ready)
        ordered.append(by_seq[seq])
        for s in successors[seq]:
            waiting[s.seq] -= 1
            if waiting[s.seq] == 0:
                heapq.heappush(ready, (key(s), s.seq))
    if len(ordered) != len(nodes):
        # Cycles are cut before the graph is built; reaching this is a bug in _order, not bad input.
        raise RuntimeError("diff: cyclic dependencies left between table changes")
    return ordered
