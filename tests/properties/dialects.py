"""Render the neutral schemas of ``schemas.py`` as DDL, one small renderer per dialect.

This is test-data generation, deliberately independent of graticule's planners: it writes DDL the way a person
or Django would (inline REFERENCES on SQLite, ALTER TABLE … ADD CONSTRAINT after all tables elsewhere, so key
cycles build), and the databases, not this code, decide what the schema then is.
"""

from __future__ import annotations

from .schemas import KEY_KINDS, NOW, Column, Expr, ForeignKey, Index, Palette, Schema, Table


class Dialect:
    name: str
    """The dialect name graticule uses (``sqlite``, ``postgresql``, ``mysql``)."""
    palette: Palette
    types: dict[str, str]
    """Neutral kind → SQL type; ``{0}``/``{1}`` take the column's size."""
    now: str
    true, false = "TRUE", "FALSE"
    inline_references = False

    def type_sql(self, kind: str, size: tuple[int, ...] = ()) -> str:
        return self.types[kind].format(*size)

    def literal(self, kind: str, value: object) -> str:
        if value is None:
            return "NULL"
        if value == NOW:
            return self.now
        if isinstance(value, Expr):
            return f"({value.sql})"
        if isinstance(value, bool):
            return self.true if value else self.false
        if isinstance(value, int | float) or kind == "decimal":
            return str(value)
        assert isinstance(value, str)
        return "'" + value.replace("'", "''") + "'"

    # ---- CREATE TABLE --------------------------------------------------------------------------------------

    def create(self, schema: Schema) -> list[str]:
        """The statements that build ``schema`` on an empty database."""
        statements = []
        for table in schema.tables:
            items = [self.key_column(table)]
            items += [self.column(c) for c in table.columns]
            items += [self.fk_column(schema, table, fk) for fk in table.fks]
            items += self.table_constraints(table)
            statements.append(f"CREATE TABLE {table.name} ({', '.join(items)})")
            statements += [self.create_index(table, i) for i in table.indexes if not i.constraint]
        if not self.inline_references:
            statements += [
                f"ALTER TABLE {t.name} ADD CONSTRAINT {fk_name(t, fk)} {self.references(fk, foreign=True)}"
                for t in schema.tables
                for fk in t.fks
                if fk.enforced
            ]
        return statements

    def column(self, column: Column) -> str:
        sql = f"{column.name} {self.type_sql(column.kind, column.size)}"
        sql += " NULL" if column.nullable else " NOT NULL"
        if column.default is not None:
            sql += f" DEFAULT {self.literal(column.kind, column.default)}"
        return sql

    def fk_column(self, schema: Schema, table: Table, fk: ForeignKey) -> str:
        sql = f"{fk.column} {self.type_sql(schema.key_kind(fk))}" + (" NULL" if fk.nullable else " NOT NULL")
        if self.inline_references and fk.enforced and not fk.table_level:
            sql += " " + self.references(fk, foreign=False)
        return sql

    def references(self, fk: ForeignKey, foreign: bool) -> str:
        sql = f"FOREIGN KEY ({fk.column}) " if foreign else ""
        sql += f"REFERENCES {fk.ref} (id) ON DELETE {fk.on_delete} ON UPDATE {fk.on_update}"
        return sql + (" DEFERRABLE INITIALLY DEFERRED" if fk.deferrable else "")

    def key_column(self, table: Table) -> str:
        raise NotImplementedError

    def table_constraints(self, table: Table) -> list[str]:
        items = [
            f"CONSTRAINT {i.name} UNIQUE ({', '.join(c for c, _ in i.parts)})"
            for i in table.indexes
            if i.constraint
        ]
        items += [f"CONSTRAINT {c.name} CHECK ({c.template.format(c=c.column)})" for c in table.checks]
        return items

    def create_index(self, table: Table, index: Index) -> str:
        parts = ", ".join(c + (" DESC" if desc else "") for c, desc in index.parts)
        sql = f"CREATE {'UNIQUE ' if index.unique else ''}INDEX {index.name} ON {table.name} ({parts})"
        if index.predicate is not None:
            template, column = index.predicate
            sql += " WHERE " + template.format(c=column)
        return sql

    def insert(self, table: Table, values: dict[str, tuple[str, list[object]]]) -> str:
        """``INSERT`` of one row per position in the value lists; ``values`` maps column → (kind, values)."""
        names = list(values)
        count = len(next(iter(values.values()))[1])
        rows = [
            "(" + ", ".join(self.literal(values[n][0], values[n][1][r]) for n in names) + ")"
            for r in range(count)
        ]
        return f"INSERT INTO {table.name} ({', '.join(names)}) VALUES {', '.join(rows)}"


def fk_name(table: Table, fk: ForeignKey) -> str:
    return f"{table.name}_{fk.column}_fk"


_KINDS = (
    "int",
    "bigint",
    "smallint",
    "varchar",
    "text",
    "bool",
    "decimal",
    "float",
    "date",
    "timestamp",
    "json",
)


class SQLite(Dialect):
    name = "sqlite"
    palette = Palette(kinds=_KINDS, partial_indexes=True, deferrable=True, auto_kinds=("int",))
    # Django's spellings where it has one (bool, datetime, real); "json" is a plain declared type here.
    types = {
        "int": "integer",
        "bigint": "bigint",
        "smallint": "smallint",
        "varchar": "varchar({0})",
        "text": "text",
        "bool": "bool",
        "decimal": "decimal({0}, {1})",
        "float": "real",
        "date": "date",
        "timestamp": "datetime",
        "json": "json",
    }
    now = "CURRENT_TIMESTAMP"
    true, false = "1", "0"
    inline_references = True

    def key_column(self, table: Table) -> str:
        auto = " AUTOINCREMENT" if table.auto else ""
        return f"id {self.type_sql(table.pk_kind)} NOT NULL PRIMARY KEY{auto}"

    def table_constraints(self, table: Table) -> list[str]:
        return [
            *super().table_constraints(table),
            *(
                f"CONSTRAINT {fk_name(table, fk)} {self.references(fk, foreign=True)}"
                for fk in table.fks
                if fk.enforced and fk.table_level
            ),
        ]


class PostgreSQL(Dialect):
    name = "postgresql"
    palette = Palette(kinds=_KINDS, partial_indexes=True, deferrable=True)
    types = {
        "int": "integer",
        "bigint": "bigint",
        "smallint": "smallint",
        "varchar": "varchar({0})",
        "text": "text",
        "bool": "boolean",
        "decimal": "numeric({0}, {1})",
        "float": "double precision",
        "date": "date",
        "timestamp": "timestamp with time zone",
        "json": "jsonb",
    }
    now = "CURRENT_TIMESTAMP"

    def key_column(self, table: Table) -> str:
        identity = " GENERATED BY DEFAULT AS IDENTITY" if table.auto else ""
        return f"id {self.type_sql(table.pk_kind)}{identity} NOT NULL"

    def table_constraints(self, table: Table) -> list[str]:
        return [f"CONSTRAINT {table.name}_pkey PRIMARY KEY (id)", *super().table_constraints(table)]


class MySQL(Dialect):
    """MariaDB (the test server) and MySQL: no partial indexes, no SET DEFAULT in InnoDB, TEXT and JSON
    columns only indexable with a prefix (left out)."""

    name = "mysql"
    palette = Palette(
        kinds=_KINDS,
        unindexable=frozenset({"json", "text"}),
        actions=("NO ACTION", "RESTRICT", "CASCADE", "SET NULL"),
    )
    types = {
        "int": "int",
        "bigint": "bigint",
        "smallint": "smallint",
        "varchar": "varchar({0})",
        "text": "longtext",
        "bool": "bool",
        "decimal": "decimal({0},{1})",
        "float": "double",
        "date": "date",
        "timestamp": "datetime(6)",
        "json": "json",
    }
    now = "CURRENT_TIMESTAMP(6)"

    def key_column(self, table: Table) -> str:
        return f"id {self.type_sql(table.pk_kind)} NOT NULL" + (" AUTO_INCREMENT" if table.auto else "")

    def table_constraints(self, table: Table) -> list[str]:
        items = ["PRIMARY KEY (id)"]
        items += [
            f"UNIQUE KEY {i.name} ({', '.join(c for c, _ in i.parts)})" for i in table.indexes if i.constraint
        ]
        return items + [f"CONSTRAINT {c.name} CHECK ({c.template.format(c=c.column)})" for c in table.checks]


assert set(KEY_KINDS) <= set(_KINDS)
