"""The catalog queries of the PostgreSQL inspector: one per kind of object, each covering every table at once.

Every query selects from the same set of tables (``_TABLES``: ordinary tables of one schema that no extension
owns), so the number of queries per schema is fixed whatever the number of tables. Expressions come back as
the server deparses them (``pg_get_expr``, ``pg_get_indexdef``), types as ``format_type`` spells them.
"""

from __future__ import annotations

# pg_collation's "default": the database's own collation, an expression key's when nothing else applies.
DEFAULT_COLLATION_OID = 100

# Objects an extension created (deptype 'e') belong to the extension, not to the user's schema.
_NOT_EXTENSION_MEMBER = """NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend AS e
    WHERE e.classid = {catalog}::regclass AND e.objid = {oid} AND e.deptype = 'e')"""

# Materialized: computed once, so the extension-membership probe runs once per table, not once per joined row
# (per index, per constraint) wherever the planner would otherwise push the anti-join down.
_TABLES = f"""WITH tables AS MATERIALIZED (
    SELECT c.oid, c.relname, c.relkind, c.relispartition
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p')
      AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_catalog.pg_class'", oid="c.oid")}
)
"""

TABLES = (
    _TABLES
    + """
SELECT t.relname, t.relkind, t.relispartition, d.description
FROM tables AS t
LEFT JOIN pg_catalog.pg_description AS d
  ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
ORDER BY t.relname
"""
)

# Defaults are looked up only for columns that have one (atthasdef), and deparsed without a relation when the
# column is not generated: a default cannot refer to columns (PostgreSQL refuses it), so the text is the same,
# and pg_get_expr with a relation opens that relation (its relcache entry and a lock) for every default.
# Generated columns' expressions do refer to columns and keep the relation.
# The sequence a column owns: serial columns own theirs with an automatic dependency ('a'), identity columns
# with an internal one ('i'). Indexes also depend automatically on their columns, hence the relkind filter.
# Owned sequences are gathered once (one per column at most: the first by name, as DISTINCT ON keeps) and
# hash-joined: a LATERAL lookup per column cost 25,000 pg_depend probes on a 2,000-table schema (~40% of
# this query).
COLUMNS = (
    _TABLES
    + """
SELECT t.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
       CASE WHEN a.atthasdef THEN (
           SELECT pg_catalog.pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END)
           FROM pg_catalog.pg_attrdef AS ad WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum) END,
       a.attidentity, a.attgenerated,
       CASE WHEN a.attcollation <> ty.typcollation THEN co.collname END,
       d.description, seq.relname, seq.seqstart, seq.seqincrement, seq.deptype, a.attnum
FROM tables AS t
JOIN pg_catalog.pg_attribute AS a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_catalog.pg_type AS ty ON ty.oid = a.atttypid
LEFT JOIN pg_catalog.pg_collation AS co ON co.oid = a.attcollation
LEFT JOIN pg_catalog.pg_description AS d
  ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
LEFT JOIN (
    SELECT DISTINCT ON (dep.refobjid, dep.refobjsubid)
           dep.refobjid, dep.refobjsubid, s.relname, ps.seqstart, ps.seqincrement, dep.deptype
    FROM pg_catalog.pg_class AS s
    JOIN pg_catalog.pg_sequence AS ps ON ps.seqrelid = s.oid
    JOIN pg_catalog.pg_depend AS dep
      ON dep.classid = 'pg_catalog.pg_class'::regclass AND dep.objid = s.oid
     AND dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.deptype IN ('a', 'i')
    WHERE s.relkind = 'S'
    ORDER BY dep.refobjid, dep.refobjsubid, s.relname
) AS seq ON seq.refobjid = t.oid AND seq.refobjsubid = a.attnum
ORDER BY t.relname, a.attnum
"""
)

# Primary keys, foreign-key, check and exclusion constraints (unique constraints are read with their index).
# Keys come as attribute numbers in the key's order (with its repeats: FOREIGN KEY (z, z) is legal), which the
# inspector names from the columns it has already read: a lookup per key column here cost ~8,000 pg_attribute
# probes on a 2,000-table schema. A foreign key to a table outside the inspected set (another schema, an
# extension's table) has no columns on the client, so the server names its referenced columns. Only primary
# and foreign keys carry their lists (a check's are not needed): the others get NULL.
CONSTRAINTS = (
    _TABLES
    + """
SELECT t.relname, con.conname, con.contype,
       CASE WHEN con.contype IN ('p', 'f') THEN con.conkey END,
       pg_catalog.pg_get_expr(con.conbin, con.conrelid), con.convalidated, con.connoinherit,
       con.condeferrable, con.condeferred, con.confupdtype, con.confdeltype,
       rn.nspname, rc.relname, con.confkey,
       CASE WHEN con.contype = 'f' AND con.confrelid NOT IN (SELECT oid FROM tables) THEN
           ARRAY(SELECT (SELECT a.attname FROM pg_catalog.pg_attribute AS a
                         WHERE a.attrelid = con.confrelid AND a.attnum = k.num)
                 FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord) ORDER BY k.ord) END
FROM tables AS t
JOIN pg_catalog.pg_constraint AS con ON con.conrelid = t.oid
LEFT JOIN pg_catalog.pg_class AS rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace AS rn ON rn.oid = rc.relnamespace
WHERE con.contype IN ('p', 'f', 'c', 'x')
ORDER BY t.relname, con.conname
"""
)

# One row per index. The key's attribute numbers (0 for an expression; the inspector names the columns, as for
# constraints), then per key part: the expression text, the operator class (NULL when it is the default one
# for the type), the collation (NULL when it is the column's, or the database default for an expression) and
# the DESC/NULLS FIRST bits. The parts after indnkeyatts are INCLUDE
# columns, which have no operator class, collation or options. Lookups are scalar subqueries by oid: joins
# against unnest() make the planner guess 100 rows and scan pg_collation and pg_opclass once per index.
# pg_opclass is small enough that even the lookup by oid is a sequential scan (~10 us per key part), so an
# index whose operator classes are all default ones, nearly every index, skips it: one array test against
# the default classes, gathered once. Lists that would hold nothing but NULLs are sent as one NULL instead
# (expressions of an index without any, operator classes all default, collations all none): neither built by
# the server nor parsed by the client.
INDEXES = (
    _TABLES
    + """
SELECT t.relname, i.relname, ix.indisunique, ix.indisprimary, ix.indnkeyatts, am.amname,
       pg_catalog.pg_get_expr(ix.indpred, ix.indrelid), d.description, {nulls_not_distinct},
       ix.indkey::int2[],
       CASE WHEN ix.indexprs IS NOT NULL THEN
           ARRAY(SELECT CASE WHEN u.attnum = 0
                             THEN pg_catalog.pg_get_indexdef(ix.indexrelid, u.ord::int, false) END
                 FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS u(attnum, ord) ORDER BY u.ord) END,
       CASE WHEN ix.indclass::oid[] <@ (SELECT array_agg(opc.oid) FROM pg_catalog.pg_opclass AS opc
                                        WHERE opc.opcdefault)
            THEN NULL
            ELSE ARRAY(SELECT (SELECT CASE WHEN opc.opcdefault THEN NULL ELSE opc.opcname END
                               FROM pg_catalog.pg_opclass AS opc WHERE opc.oid = u.oid)
                       FROM unnest(ix.indclass::oid[]) WITH ORDINALITY AS u(oid, ord) ORDER BY u.ord)
       END,
       CASE WHEN NOT ix.indcollation::oid[] <@ '{{0}}'::oid[] THEN
           ARRAY(SELECT CASE WHEN u.coll = 0 OR (u.attnum = 0 AND u.coll = {default})
                               OR u.coll = (SELECT a.attcollation FROM pg_catalog.pg_attribute AS a
                                            WHERE a.attrelid = ix.indrelid AND a.attnum = u.attnum)
                             THEN NULL
                             ELSE (SELECT co.collname FROM pg_catalog.pg_collation AS co
                                   WHERE co.oid = u.coll) END
                 FROM unnest(ix.indkey::int2[], ix.indcollation::oid[])
                      WITH ORDINALITY AS u(attnum, coll, ord)
                 ORDER BY u.ord) END,
       ix.indoption::int2[],
       con.contype, con.condeferrable, con.condeferred
FROM tables AS t
JOIN pg_catalog.pg_index AS ix ON ix.indrelid = t.oid
JOIN pg_catalog.pg_class AS i ON i.oid = ix.indexrelid
JOIN pg_catalog.pg_am AS am ON am.oid = i.relam
LEFT JOIN pg_catalog.pg_constraint AS con
  ON con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype IN ('p', 'u', 'x')
LEFT JOIN pg_catalog.pg_description AS d
  ON d.objoid = i.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
ORDER BY t.relname, i.relname
"""
)

ENUMS = f"""
SELECT ty.typname, ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum AS e
                         WHERE e.enumtypid = ty.oid ORDER BY e.enumsortorder)
FROM pg_catalog.pg_type AS ty
JOIN pg_catalog.pg_namespace AS n ON n.oid = ty.typnamespace
WHERE n.nspname = %(schema)s AND ty.typtype = 'e'
  AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_catalog.pg_type'", oid="ty.oid")}
ORDER BY ty.typname
"""

EXTENSIONS = """
SELECT x.extname FROM pg_catalog.pg_extension AS x
JOIN pg_catalog.pg_namespace AS n ON n.oid = x.extnamespace
WHERE n.nspname = %(schema)s
ORDER BY x.extname
"""


# The first object of a schema that a user (not an extension) created, for the clean check: tables first, as
# Atlas reports them, then other relations, types, routines and extensions.
FIRST_OBJECT = f"""
SELECT kind, name FROM (
    SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                          WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                          ELSE 'foreign table' END AS kind,
           c.relname AS name,
           CASE WHEN c.relkind IN ('r', 'p') THEN 0 ELSE 1 END AS rank
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_catalog.pg_class'", oid="c.oid")}
    UNION ALL
    SELECT 'type', ty.typname, 2
    FROM pg_catalog.pg_type AS ty
    JOIN pg_catalog.pg_namespace AS n ON n.oid = ty.typnamespace
    LEFT JOIN pg_catalog.pg_class AS c ON c.oid = ty.typrelid
    WHERE n.nspname = %(schema)s AND (ty.typtype IN ('e', 'd', 'r') OR c.relkind = 'c')
      AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_catalog.pg_type'", oid="ty.oid")}
    UNION ALL
    SELECT 'function', p.proname, 3
    FROM pg_catalog.pg_proc AS p
    JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
    WHERE n.nspname = %(schema)s
      AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_catalog.pg_proc'", oid="p.oid")}
    UNION ALL
    SELECT 'extension', x.extname, 4
    FROM pg_catalog.pg_extension AS x
    JOIN pg_catalog.pg_namespace AS n ON n.oid = x.extnamespace
    WHERE n.nspname = %(schema)s
) AS objects
ORDER BY rank, name
LIMIT 1
"""


# The jit setting exists from PostgreSQL 11 on.
JIT_VERSION = 110000
NO_JIT = "SET LOCAL jit = off"


def without_jit(sql: str, server_version: int) -> str:
    """``sql`` preceded by ``SET LOCAL jit = off``, for one simple-protocol message (no extra round trip).

    JIT compilation never pays off on these queries, yet their cost estimates grow with the schema (subplans
    per index key part): INDEXES passes jit_above_cost at about 2,000 tables (~50 ms of LLVM code emission
    per inspection, a tenth of it) and jit_optimize_above_cost at about 9,000 (~0.8 s). On an autocommit
    connection SET LOCAL ends with the message's implicit transaction; inside an open transaction it lasts
    until that transaction ends, and only switches JIT off. The setting exists from PostgreSQL 11 on.
    """
    return f"{NO_JIT};\n{sql}" if server_version >= JIT_VERSION else sql


def indexes_query(server_version: int) -> str:
    """``NULLS NOT DISTINCT`` exists from PostgreSQL 15 on; before, every index treats NULLs as distinct."""
    column = "ix.indnullsnotdistinct" if server_version >= 150000 else "false"
    return INDEXES.format(nulls_not_distinct=column, default=DEFAULT_COLLATION_OID)
