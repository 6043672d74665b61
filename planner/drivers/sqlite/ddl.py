"""What SQLite's stored CREATE statements say that its pragmas do not.

SQLite keeps the text of every CREATE TABLE / CREATE INDEX in ``sqlite_master``; the pragmas expose columns,
keys and actions but not CHECK constraints, generated expressions, constraint names, DEFERRABLE, column
collations, partial-index predicates or expression index parts. Those are read here, with sqlglot.

sqlglot's SQLite parser does not cover every clause SQLite accepts, so the statement is first reshaped at the
token level (never with regexes): column types are replaced by a placeholder (the pragmas report them exactly,
and sqlglot would otherwise choke on types such as ``unsigned big int``), a generated column's short form is
spelled long, and a few clauses that change nothing the model holds are dropped; and a few column constraints
are parsed to SQLite's own grammar (:class:`GraticuleSQLite`). Clauses the model cannot represent are refused
rather than lost.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field, replace

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import rename_func
from sqlglot.dialects.sqlite import SQLite
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from ...errors import GraticuleError
from ...schema import Check


class GraticuleSQLite(SQLite):
    """sqlglot's SQLite dialect without the rewrites that would change what SQLite computes.

    sqlglot reads ``mod(x, y)`` as the ``%`` operator, but SQLite's ``mod()`` keeps fractions while ``%``
    truncates to integers; and it writes ``SUBSTR`` as ``SUBSTRING``, which SQLite only knows since 3.34.
    """

    class Parser(SQLite.Parser):
        FUNCTIONS = {name: build for name, build in SQLite.Parser.FUNCTIONS.items() if name != "MOD"}

        # Two column constraints read to SQLite's grammar instead of sqlglot's wider one, which reads past
        # their end: DEFAULT takes a single term, so in ``DEFAULT 'x' COLLATE nocase`` the COLLATE is the
        # column's, not part of the default; and GENERATED ALWAYS AS takes exactly one parenthesised
        # expression, while sqlglot's identity-column grammar reads a column named ``cycle`` or ``minvalue``
        # at its start as an identity option.
        CONSTRAINT_PARSERS = {
            **SQLite.Parser.CONSTRAINT_PARSERS,
            "DEFAULT": lambda self: self.expression(exp.DefaultColumnConstraint(this=self._parse_unary())),
            "GENERATED": lambda self: self._parse_generated_column(),
        }

        def _parse_unique(self) -> exp.UniqueColumnConstraint:
            # A column's UNIQUE stands alone and a table's is followed by its column list; sqlglot reads a
            # word after it as an index name, which swallows the CONSTRAINT of ``UNIQUE CONSTRAINT pk ...``.
            if self._match(TokenType.L_PAREN, advance=False):
                return super()._parse_unique()
            return self.expression(exp.UniqueColumnConstraint())

        def _parse_generated_column(self) -> exp.ComputedColumnConstraint:
            if not (self._match_text_seq("ALWAYS") and self._match(TokenType.ALIAS)):
                self.raise_error("Expecting ALWAYS AS after GENERATED")
            expression = self._parse_wrapped(self._parse_assignment)
            stored = self._match_texts(("STORED", "VIRTUAL")) and self._prev.text.upper() == "STORED"
            return self.expression(exp.ComputedColumnConstraint(this=expression, persisted=stored))

    class Generator(SQLite.Generator):
        TRANSFORMS = {**SQLite.Generator.TRANSFORMS, exp.Substring: rename_func("SUBSTR")}


DIALECT = GraticuleSQLite()

BUILTIN_COLLATIONS = {"BINARY", "NOCASE", "RTRIM"}


class UnreadableDDLError(GraticuleError):
    """A stored CREATE statement that graticule cannot represent faithfully."""


# ---- expressions -------------------------------------------------------------------------------------------


def parse_expression(text: str) -> exp.Expression:
    """Parse one SQL expression. Wrapped in parentheses because sqlglot reads a leading ``replace(...)`` as a
    REPLACE statement; the newline keeps a trailing ``--`` comment from swallowing the closing parenthesis."""
    try:
        tree = sqlglot.parse_one(f"({text}\n)", dialect=DIALECT)
    except (ParseError, TokenError) as e:
        raise UnreadableDDLError(f"cannot read SQL expression {text!r}: {e}") from None
    return strip_parens(tree)


def strip_parens(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def render(node: exp.Expression) -> str:
    """Expression text as the model holds it: sqlglot's SQLite rendering, without outer parentheses."""
    return strip_parens(node).sql(dialect=DIALECT)


def is_literal(node: exp.Expression) -> bool:
    """A value SQLite accepts after DEFAULT without parentheses (a literal, a signed number, CURRENT_*)."""
    if isinstance(node, exp.Neg):  # sqlglot drops a unary plus while parsing
        return isinstance(node.this, exp.Literal) and not node.this.is_string
    return isinstance(
        node,
        exp.Literal
        | exp.HexString
        | exp.Null
        | exp.Boolean
        | exp.CurrentTimestamp
        | exp.CurrentDate
        | exp.CurrentTime,
    )


@functools.lru_cache(maxsize=4096)
def render_default(text: str | None) -> str | None:
    """A column default, ready to follow ``DEFAULT``: literals bare, other expressions in one pair of parens.

    ``PRAGMA table_xinfo`` reports ``DEFAULT ('x')`` as ``'x'`` and ``DEFAULT (lower('X'))`` as ``lower('X')``
    (outer parentheses gone), which is not valid after DEFAULT again; this puts them back where needed. A bare
    word (``DEFAULT abc`` or ``DEFAULT "abc"``) is SQLite's string literal ``'abc'`` and is written as such.
    """
    if text is None:
        return None
    node = parse_expression(text)
    if isinstance(node, exp.Column) and not node.table:
        return exp.Literal.string(node.name).sql(dialect=DIALECT)
    if is_literal(node):
        return node.sql(dialect=DIALECT)
    return f"({node.sql(dialect=DIALECT)})"


def canonical_collation(name: str | None) -> str | None:
    """Collation names are case-insensitive in SQLite; the built-in ones are spelled upper-case."""
    if name is None:
        return None
    return name.upper() if name.upper() in BUILTIN_COLLATIONS else name


def column_collation(name: str | None) -> str | None:
    """A column's collation for the model: None for BINARY, which is what no COLLATE clause means."""
    name = canonical_collation(name)
    return None if name == "BINARY" else name


# ---- CREATE TABLE ------------------------------------------------------------------------------------------


@dataclass
class UniqueClause:
    name: str | None
    columns: list[str]


@dataclass
class ForeignKeyClause:
    name: str | None
    columns: list[str]
    ref_table: str
    ref_columns: list[str]
    deferrable: bool = False
    initially_deferred: bool = False


@dataclass
class ColumnClauses:
    collation: str | None = None
    generated: str | None = None
    """Generated expression text; whether it is STORED comes from the pragma."""


@dataclass
class TableClauses:
    columns: dict[str, ColumnClauses] = field(default_factory=dict)
    """Keyed by lower-cased column name: SQLite identifiers are case-insensitive."""
    primary_key_name: str | None = None
    autoincrement: bool = False
    uniques: list[UniqueClause] = field(default_factory=list)
    foreign_keys: list[ForeignKeyClause] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    without_rowid: bool = False
    strict: bool = False

    def copy(self) -> TableClauses:
        """A copy sharing nothing mutable with this one (a cached reading is copied for every caller; far
        cheaper than ``copy.deepcopy``)."""
        return TableClauses(
            columns={name: ColumnClauses(c.collation, c.generated) for name, c in self.columns.items()},
            primary_key_name=self.primary_key_name,
            autoincrement=self.autoincrement,
            uniques=[UniqueClause(u.name, list(u.columns)) for u in self.uniques],
            foreign_keys=[
                ForeignKeyClause(
                    fk.name,
                    list(fk.columns),
                    fk.ref_table,
                    list(fk.ref_columns),
                    fk.deferrable,
                    fk.initially_deferred,
                )
                for fk in self.foreign_keys
            ],
            checks=[Check(c.name, c.expr, copy.deepcopy(c.attrs) if c.attrs else {}) for c in self.checks],
            without_rowid=self.without_rowid,
            strict=self.strict,
        )


def read_create_table(sql: str, table: str) -> TableClauses:
    """Read the clauses of a stored ``CREATE TABLE`` statement.

    Cached by statement text: one diff reads the same unchanged tables several times (current state, desired
    state, verification). Each caller gets its own copy, free to keep in a model that others may change.
    """
    return _read_create_table(sql, table).copy()


# Words that end a column's type and start its first constraint (SQLite's ``columnconstraint`` grammar).
_COLUMN_CONSTRAINT_WORDS = {
    "CONSTRAINT",
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "AS",
}
# Column clauses whose content only the text holds. A column without any (``"x" integer NOT NULL``,
# ``DEFAULT 0``, ``PRIMARY KEY``) is fully described by the pragmas and is not parsed at all.
_TEXT_ONLY_WORDS = {"CONSTRAINT", "UNIQUE", "CHECK", "COLLATE", "REFERENCES", "GENERATED", "AS"}
_TABLE_CONSTRAINT_WORDS = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}


@functools.lru_cache(maxsize=16384)
def _read_create_table(sql: str, table: str) -> TableClauses:
    """The reading with sqlglot: tokenize, reshape, parse (see the module docstring)."""
    tokens = _tokenize(sql, table)
    open_at = next((i for i, t in enumerate(tokens) if t.token_type == TokenType.L_PAREN), None)
    if open_at is None:
        raise UnreadableDDLError(f'cannot read the definition of table "{table}": no column list')
    close_at = _matching_paren(tokens, open_at)
    clauses = TableClauses()
    for word in (_word(t) for t in tokens[close_at + 1 :]):
        clauses.without_rowid |= word == "ROWID"
        clauses.strict |= word == "STRICT"
    body: list[Token] = []
    for definition in _split_commas(tokens[open_at + 1 : close_at]):
        reshaped = _reshape_definition(definition, table, clauses)
        if reshaped:
            body += [Token(TokenType.COMMA, ","), *reshaped] if body else reshaped
    if not body:
        return clauses
    # The reshaped tokens go to the parser as they are: no text to build, nothing to tokenize twice.
    head = [Token(TokenType.CREATE, "CREATE"), Token(TokenType.TABLE, "TABLE"), Token(TokenType.VAR, "t")]
    statement = [*head, Token(TokenType.L_PAREN, "("), *body, Token(TokenType.R_PAREN, ")")]
    try:
        (create,) = DIALECT.parser().parse(statement, sql)
    except (ParseError, TokenError) as e:
        raise UnreadableDDLError(f'cannot read the definition of table "{table}": {e}') from None
    for node in create.this.expressions:
        if isinstance(node, exp.ColumnDef):
            _read_column(node, clauses)
        else:
            _read_table_constraint(node, clauses)
    return clauses


def _tokenize(sql: str, table: str) -> list[Token]:
    try:
        return DIALECT.tokenize(sql)
    except TokenError as e:
        raise UnreadableDDLError(f'cannot read the definition of "{table}": {e}') from None


def _word(token: Token) -> str | None:
    """The upper-cased first word of a keyword-like token; None for quoted names and strings."""
    if token.token_type in (TokenType.IDENTIFIER, TokenType.STRING):
        return None
    return token.text.split()[0].upper() if token.text.strip() else None


def _matching_paren(tokens: list[Token], open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(tokens)):
        if tokens[i].token_type == TokenType.L_PAREN:
            depth += 1
        elif tokens[i].token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return i
    raise UnreadableDDLError("unbalanced parentheses in stored CREATE statement")


def _split_commas(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    depth = 0
    for t in tokens:
        if t.token_type == TokenType.COMMA and depth == 0:
            parts.append([])
            continue
        depth += (t.token_type == TokenType.L_PAREN) - (t.token_type == TokenType.R_PAREN)
        parts[-1].append(t)
    return [p for p in parts if p]


def _reshape_definition(tokens: list[Token], table: str, clauses: TableClauses) -> list[Token]:
    """One column or table constraint, reshaped so that sqlglot can parse it without losing meaning; empty
    when the column holds nothing the pragmas do not already report."""
    if _word(tokens[0]) in _TABLE_CONSTRAINT_WORDS:
        return _reshape_clauses(tokens, table, table_constraint=True)
    type_end = 1
    while type_end < len(tokens) and _word(tokens[type_end]) not in _COLUMN_CONSTRAINT_WORDS:
        if tokens[type_end].token_type == TokenType.L_PAREN:
            type_end = _matching_paren(tokens, type_end) + 1
            break
        type_end += 1
    constraints = _reshape_clauses(tokens[type_end:], table, table_constraint=False)
    words = {_word(t) for t in constraints}
    clauses.autoincrement |= "AUTOINCREMENT" in words
    if not words & _TEXT_ONLY_WORDS:
        return []
    # The declared type (which the pragma reports exactly) becomes a placeholder sqlglot always accepts.
    return [tokens[0], Token(TokenType.VAR, "T"), *constraints]


def _reshape_clauses(tokens: list[Token], table: str, *, table_constraint: bool) -> list[Token]:
    """Reshape the clauses of one definition (its constraints, for a column) for sqlglot.

    - ``NOT DEFERRABLE [INITIALLY ...]`` is dropped: it is SQLite's default, and sqlglot cannot parse it.
    - The ASC/DESC of a table-level PRIMARY KEY list is dropped: it orders only the key's storage.
    - A generated column's short form ``AS (expr)`` is spelled ``GENERATED ALWAYS AS (expr)``. sqlglot takes
      the short form only right after the type, and there reads past the closing parenthesis (``AS (a)
      COLLATE x`` becomes the expression ``(a) COLLATE x``); Atlas writes it after NOT NULL. The long form
      is a column constraint like any other, read in any position by :class:`GraticuleSQLite`.
    - ``ON CONFLICT`` is refused: the model has no place for it, and a table rebuild would silently lose it.
    """
    words = [_word(t) for t in tokens]
    kept: list[Token] = []
    depth = 0
    i = 0
    in_primary_key = table_constraint and "PRIMARY" in words
    while i < len(tokens):
        word = words[i]
        following = words[i + 1] if i + 1 < len(tokens) else None
        depth += (tokens[i].token_type == TokenType.L_PAREN) - (tokens[i].token_type == TokenType.R_PAREN)
        if word == "ON" and following == "CONFLICT":
            raise UnreadableDDLError(f'table "{table}": ON CONFLICT clauses are not supported')
        if word == "NOT" and following == "DEFERRABLE":
            i += 2
            if i < len(tokens) and words[i] == "INITIALLY":
                i += 2
            continue
        if in_primary_key and word in ("ASC", "DESC"):
            i += 1
            continue
        # At depth 0 a column's AS can only open its generated expression (a CAST's AS is inside parens).
        long_form = [_word(t) for t in kept[-2:]] == ["GENERATED", "ALWAYS"]
        if not table_constraint and depth == 0 and word == "AS" and not long_form:
            kept += [Token(TokenType.VAR, "GENERATED"), Token(TokenType.VAR, "ALWAYS")]
        kept.append(tokens[i])
        i += 1
    return kept


def _read_column(node: exp.ColumnDef, clauses: TableClauses) -> None:
    column = ColumnClauses()
    clauses.columns[node.name.lower()] = column
    for constraint in node.args.get("constraints") or []:
        name = constraint.this.name if constraint.this else None
        kind = constraint.args.get("kind")
        if isinstance(kind, exp.CollateColumnConstraint):
            column.collation = column_collation(kind.this.name)
        elif isinstance(kind, exp.ComputedColumnConstraint):
            column.generated = render(kind.this)
        elif isinstance(kind, exp.CheckColumnConstraint):
            clauses.checks.append(Check(name=name, expr=render(kind.this)))
        elif isinstance(kind, exp.UniqueColumnConstraint):
            clauses.uniques.append(UniqueClause(name=name, columns=[node.name]))
        elif isinstance(kind, exp.Reference):
            clauses.foreign_keys.append(_foreign_key(name, [node.name], kind))
        elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
            clauses.primary_key_name = name
        elif isinstance(kind, exp.AutoIncrementColumnConstraint):
            clauses.autoincrement = True


def _read_table_constraint(node: exp.Expression, clauses: TableClauses) -> None:
    name = None
    constraints = [node]
    if isinstance(node, exp.Constraint):
        name = node.name
        constraints = node.expressions
    for constraint in constraints:
        if isinstance(constraint, exp.CheckColumnConstraint):
            clauses.checks.append(Check(name=name, expr=render(constraint.this)))
        elif isinstance(constraint, exp.UniqueColumnConstraint):
            columns = [part.name for part in constraint.this.expressions]
            clauses.uniques.append(UniqueClause(name=name, columns=columns))
        elif isinstance(constraint, exp.ForeignKey):
            columns = [part.name for part in constraint.expressions]
            clauses.foreign_keys.append(_foreign_key(name, columns, constraint.args["reference"]))
        elif isinstance(constraint, exp.PrimaryKey):
            clauses.primary_key_name = name


def _foreign_key(name: str | None, columns: list[str], reference: exp.Reference) -> ForeignKeyClause:
    target = reference.this
    if isinstance(target, exp.Schema):
        ref_table, ref_columns = target.this.name, [part.name for part in target.expressions]
    else:
        ref_table, ref_columns = target.name, []
    options = {" ".join(str(option).upper().split()) for option in reference.args.get("options") or []}
    return ForeignKeyClause(
        name=name,
        columns=columns,
        ref_table=ref_table,
        ref_columns=ref_columns,
        deferrable="DEFERRABLE" in options,
        initially_deferred="INITIALLY DEFERRED" in options,
    )


# ---- CREATE INDEX ------------------------------------------------------------------------------------------


@dataclass
class IndexKeyClause:
    expr: str | None
    """Expression text for an expression key part; None when the part is a plain column."""
    collation: str | None = None
    """The COLLATE written on the part, canonically spelled."""


@dataclass
class IndexClauses:
    keys: list[IndexKeyClause]
    predicate: str | None = None


def read_create_index(sql: str, index: str) -> IndexClauses:
    """Read the key parts and WHERE clause of a stored ``CREATE INDEX`` statement (cached like tables)."""
    cached = _read_create_index(sql, index)
    return IndexClauses(keys=[replace(key) for key in cached.keys], predicate=cached.predicate)


@functools.lru_cache(maxsize=16384)
def _read_create_index(sql: str, index: str) -> IndexClauses:
    try:
        create = sqlglot.parse_one(sql, dialect=DIALECT)
    except (ParseError, TokenError) as e:
        raise UnreadableDDLError(f'cannot read the definition of index "{index}": {e}') from None
    params = create.this.args.get("params") if isinstance(create, exp.Create) else None
    if params is None:
        raise UnreadableDDLError(f'cannot read the definition of index "{index}"')
    keys = []
    for part in params.args.get("columns") or []:
        node = strip_parens(part.this if isinstance(part, exp.Ordered) else part)
        collation = None
        if isinstance(node, exp.Collate):
            collation = canonical_collation(node.expression.name)
            node = strip_parens(node.this)
        expr = None if isinstance(node, exp.Column) else render(node)
        keys.append(IndexKeyClause(expr=expr, collation=collation))
    where = params.args.get("where")
    return IndexClauses(keys=keys, predicate=render(where.this) if where else None)
