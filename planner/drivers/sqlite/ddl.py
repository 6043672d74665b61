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

Statements in the common shapes (Django's DDL, the planner's own) are read by a quick reader that walks the
tokens itself and hands only the expressions to sqlglot; it stands aside whenever it is not certain to read
exactly what the sqlglot reading would (see "quick reading" below).
"""

from __future__ import annotations

import copy
import functools
import re
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
    quick = _quick_read_create_table(sql)
    return quick if quick is not None else _full_read_create_table(sql, table)


def _full_read_create_table(sql: str, table: str) -> TableClauses:
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
    quick = _quick_read_create_index(sql)
    return quick if quick is not None else _full_read_create_index(sql, index)


def _full_read_create_index(sql: str, index: str) -> IndexClauses:
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


# ---- quick reading -----------------------------------------------------------------------------------------
#
# Tokenizing and parsing a stored statement with sqlglot costs about two milliseconds a table, and one diff
# reads each table two or three times, in different spellings (Django's, the planner's). Most statements use a
# small part of SQLite's grammar: quoted names, declared types, [NOT] NULL, DEFAULT literals, PRIMARY KEY,
# UNIQUE, CHECK, COLLATE, REFERENCES with actions and DEFERRABLE, generated columns, indexes on columns. For
# those the quick reader finds the same clauses by walking the tokens itself; the expressions inside (checks,
# generated columns, index predicates) still go through the full reader, cached by their text, in a minimal
# statement that puts them in the same grammatical position. Whatever it does not fully understand, including
# every statement the full reader would refuse, makes it return None, and the full reader runs. Tests compare
# both readers on generated statements.

_SINGLES = "".join(re.escape(c) for c in DIALECT.tokenizer_class.SINGLE_TOKENS if len(c) == 1)
# The tokens sqlglot's SQLite tokenizer makes of such statements: quoted names, strings, numbers, words (up to
# a blank or a single-character token), single characters. Two forms that sqlglot reads its own way come out
# as one token each, to be refused (see _REFUSED_TOKEN): a prefixed string (n'..', x'..') and a number glued
# to letters (1e5x, 0x1F).
_TOKEN_PATTERN = rf"""(
      "(?:[^"]|"")*+"
    | `(?:[^`]|``)*+`
    | '(?:[^']|'')*+'
    | [nNxX]'(?:[^']|'')*+'
    | \d++(?:\.\d*+)?+(?:[eE][-+]?\d++)?+[^\s{_SINGLES}]*+
    | [^\s{_SINGLES}]+
    | .
    )"""
_TOKEN = re.compile(r"\s*+" + _TOKEN_PATTERN, re.VERBOSE | re.DOTALL)
_TOKEN_WITH_BLANKS = re.compile(r"\s*+" + _TOKEN_PATTERN.replace("(", "(?:", 1), re.VERBOSE | re.DOTALL)
# Matched against the tokens joined by NUL: a prefixed string, a lone quote (unterminated), a glued number.
_REFUSED_TOKEN = re.compile(
    r"(?:^|\x00)(?:[nNxX]'|['\"`](?:\x00|$)|\d++(?:\.\d*+)?+(?:[eE][-+]?\d++)?+[^\x00])"
)
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORDS = frozenset(DIALECT.tokenizer_class.KEYWORDS)
_KEY_OPTIONS = frozenset(DIALECT.parser_class.KEY_CONSTRAINT_OPTIONS)
_DEFAULT_WORDS = {"NULL", "TRUE", "FALSE", "CURRENT_TIME", "CURRENT_DATE", "CURRENT_TIMESTAMP"}
_ACTIONS = (("CASCADE",), ("RESTRICT",), ("NO", "ACTION"), ("SET", "NULL"), ("SET", "DEFAULT"))


class _Unsure(Exception):
    """The quick reader met something it does not fully understand: the full reader takes over."""


class _Tokens:
    """A statement's tokens and their upper-cased words, a read position ``i`` and a limit ``end`` (the end of
    the definition being read)."""

    def __init__(self, sql: str) -> None:
        # Left to the full reader: comments, bracket-quoted names, Jinja markers, non-ASCII text (whose
        # upper-casing may change its length), and the tokens _REFUSED_TOKEN finds.
        if not sql.isascii() or "\x00" in sql or "--" in sql or "/*" in sql or "[" in sql or "{" in sql:
            raise _Unsure
        self.sql = sql
        self.texts: list[str] = _TOKEN.findall(sql)
        joined = "\x00".join(self.texts)
        if _REFUSED_TOKEN.search(joined):
            raise _Unsure
        # Upper-cased tokens, for comparing keywords: a quoted name keeps its quotes and matches none.
        self.words: list[str] = joined.upper().split("\x00")
        self._with_blanks: list[str] | None = None
        self.i = 0
        self.end = len(self.texts)

    def word(self, i: int | None = None) -> str | None:
        i = self.i if i is None else i
        return self.words[i] if i < self.end else None

    def take(self, *words: str) -> bool:
        """Consume these words if they come next."""
        stop = self.i + len(words)
        if stop <= self.end and tuple(self.words[self.i : stop]) == words:
            self.i = stop
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.take(*words):
            raise _Unsure

    def name(self) -> str:
        """A name: in double quotes or backticks, or a plain word that is not one of sqlglot's keywords."""
        if self.i >= self.end:
            raise _Unsure
        text = self.texts[self.i]
        self.i += 1
        if text[0] in '"`':
            return text[1:-1].replace(text[0] * 2, text[0])
        if _PLAIN_NAME.fullmatch(text) and text.upper() not in _KEYWORDS:
            return text
        raise _Unsure

    def names(self) -> list[str]:
        """``( name, name, ... )``."""
        self.expect("(")
        names = [self.name()]
        while self.take(","):
            names.append(self.name())
        self.expect(")")
        return names

    def closing(self, open_at: int) -> int:
        """Index of the parenthesis that closes the one at ``open_at``."""
        depth = 0
        for i in range(open_at, self.end):
            text = self.texts[i]
            if text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
                if depth == 0:
                    return i
        raise _Unsure

    def wrapped_text(self) -> str:
        """The text inside the parentheses that come next."""
        if self.word() != "(":
            raise _Unsure
        close = self.closing(self.i)
        if close == self.i + 1:
            raise _Unsure
        text = self.sql[self.start_of(self.i + 1) : self.start_of(close)]
        self.i = close + 1
        return text

    def start_of(self, i: int) -> int:
        """Where token ``i`` starts in the text (only statements with expressions ask)."""
        if self._with_blanks is None:
            self._with_blanks = _TOKEN_WITH_BLANKS.findall(self.sql)
        return sum(map(len, self._with_blanks[: i + 1])) - len(self.texts[i])


def _quick_read_create_table(sql: str) -> TableClauses | None:
    """What :func:`_full_read_create_table` reads, found without sqlglot's parser; None when unsure."""
    clauses = TableClauses()
    try:
        tokens = _Tokens(sql)
        if "(" not in tokens.texts:
            return None
        words = tokens.words
        if "CONFLICT" in words or ("DEFERRABLE" in words and "NOT" in words and _not_deferrable(words)):
            return None  # the full reader refuses the first and drops the second
        open_at = tokens.texts.index("(")
        close_at = tokens.closing(open_at)
        after = words[close_at + 1 :]
        clauses.without_rowid = "ROWID" in after
        clauses.strict = "STRICT" in after
        start, depth = open_at + 1, 0
        for i in range(open_at + 1, close_at + 1):
            text = tokens.texts[i]
            if i == close_at or (text == "," and depth == 0):
                _quick_definition(tokens, start, i, clauses)
                start = i + 1
            depth += (text == "(") - (text == ")")
    except _Unsure:
        return None
    return clauses


def _quick_definition(tokens: _Tokens, start: int, end: int, clauses: TableClauses) -> None:
    """One column definition or table constraint: tokens ``start`` to ``end`` (exclusive)."""
    if start == end:
        raise _Unsure
    tokens.i, tokens.end = start, end
    words = tokens.words[start:end]
    if words[0] in _TABLE_CONSTRAINT_WORDS:
        _quick_table_constraint(tokens, words, clauses)
    else:
        _quick_column(tokens, words, clauses)
    if tokens.i != end:
        raise _Unsure


def _not_deferrable(words: list[str]) -> bool:
    at = 0
    while (at := _index(words, "DEFERRABLE", at + 1)) > 0:
        if words[at - 1] == "NOT":
            return True
    return False


def _index(words: list[str], word: str, start: int) -> int:
    """Position of ``word`` at or after ``start``; -1 when there is none."""
    try:
        return words.index(word, start)
    except ValueError:
        return -1


def _quick_column(tokens: _Tokens, words: list[str], clauses: TableClauses) -> None:
    start = tokens.i
    # Where the declared type ends, decided exactly as _reshape_definition decides it.
    type_end = start + 1
    while type_end < tokens.end and tokens.word(type_end) not in _COLUMN_CONSTRAINT_WORDS:
        if tokens.texts[type_end] == "(":
            type_end = tokens.closing(type_end) + 1
            break
        type_end += 1
    constraint_words = set(words[type_end - start :])
    clauses.autoincrement |= "AUTOINCREMENT" in constraint_words
    if not constraint_words & _TEXT_ONLY_WORDS:
        tokens.i = tokens.end  # the pragmas report all of it: the full reader skips it too
        return
    name = tokens.name()
    column = ColumnClauses()
    clauses.columns[name.lower()] = column
    tokens.i = type_end
    while tokens.i < tokens.end:
        constraint = tokens.name() if tokens.take("CONSTRAINT") else None
        if tokens.take("NOT", "NULL") or tokens.take("NULL"):
            continue
        if tokens.take("PRIMARY", "KEY"):
            _ = tokens.take("ASC") or tokens.take("DESC")
            tokens.take("AUTOINCREMENT")
            clauses.primary_key_name = constraint
        elif tokens.take("UNIQUE"):
            clauses.uniques.append(UniqueClause(name=constraint, columns=[name]))
        elif tokens.take("CHECK"):
            expr = _check_expression(tokens.wrapped_text(), "c T CHECK ({})")
            clauses.checks.append(Check(name=constraint, expr=expr))
        elif tokens.take("DEFAULT"):
            _quick_default(tokens)
        elif tokens.take("COLLATE"):
            column.collation = column_collation(tokens.name())
        elif tokens.take("REFERENCES"):
            clauses.foreign_keys.append(_quick_reference(tokens, constraint, [name]))
        elif tokens.take("GENERATED", "ALWAYS", "AS") or tokens.take("AS"):
            column.generated = _generated_expression(tokens.wrapped_text())
            _ = tokens.take("STORED") or tokens.take("VIRTUAL")
        else:
            raise _Unsure


def _quick_default(tokens: _Tokens) -> None:
    """A literal DEFAULT (the pragma reports its value; here only where it ends matters)."""
    if tokens.take("-") or tokens.take("+"):
        if tokens.i >= tokens.end or not tokens.texts[tokens.i][0].isdigit():
            raise _Unsure
    elif tokens.i >= tokens.end or not (
        tokens.texts[tokens.i][0] in "'0123456789" or tokens.word() in _DEFAULT_WORDS
    ):
        raise _Unsure
    tokens.i += 1


def _quick_reference(tokens: _Tokens, constraint: str | None, columns: list[str]) -> ForeignKeyClause:
    """``REFERENCES t [(columns)]`` and the key options after it (the actions come from the pragma)."""
    ref_table = tokens.name()
    ref_columns = tokens.names() if tokens.word() == "(" else []
    fk = ForeignKeyClause(name=constraint, columns=columns, ref_table=ref_table, ref_columns=ref_columns)
    while True:
        if tokens.take("ON"):
            if not (tokens.take("DELETE") or tokens.take("UPDATE")):
                raise _Unsure
            if not any(tokens.take(*action) for action in _ACTIONS):
                raise _Unsure
        elif tokens.take("DEFERRABLE"):
            fk.deferrable = True
            if tokens.take("INITIALLY", "DEFERRED"):
                fk.initially_deferred = True
            elif tokens.word() == "INITIALLY" and not tokens.take("INITIALLY", "IMMEDIATE"):
                raise _Unsure
        elif tokens.word() == "NOT" and tokens.word(tokens.i + 1) == "NULL":
            return fk  # the column's next constraint
        elif tokens.word() in _KEY_OPTIONS:
            raise _Unsure  # MATCH, NOT ENFORCED, ...: key options the quick reader does not follow
        else:
            return fk


def _quick_table_constraint(tokens: _Tokens, words: list[str], clauses: TableClauses) -> None:
    constraint = tokens.name() if tokens.take("CONSTRAINT") else None
    if tokens.take("PRIMARY", "KEY"):
        tokens.expect("(")
        while True:
            tokens.name()
            _ = tokens.take("ASC") or tokens.take("DESC")
            if not tokens.take(","):
                break
        tokens.expect(")")
        clauses.primary_key_name = constraint
    elif "PRIMARY" in words:
        raise _Unsure  # the full reader drops ASC and DESC from any table constraint that names PRIMARY
    elif tokens.take("UNIQUE"):
        clauses.uniques.append(UniqueClause(name=constraint, columns=tokens.names()))
    elif tokens.take("CHECK"):
        expr = _check_expression(tokens.wrapped_text(), "CHECK ({})")
        clauses.checks.append(Check(name=constraint, expr=expr))
    elif tokens.take("FOREIGN", "KEY"):
        columns = tokens.names()
        tokens.expect("REFERENCES")
        clauses.foreign_keys.append(_quick_reference(tokens, constraint, columns))
    else:
        raise _Unsure


@functools.lru_cache(maxsize=4096)
def _check_expression(text: str, definition: str) -> str:
    """A CHECK expression as the full reader renders it: read in a one-definition table where the CHECK
    stands where it stood (a column's or the table's)."""
    try:
        (check,) = _full_read_create_table(f"CREATE TABLE t ({definition.format(text)})", "t").checks
    except (UnreadableDDLError, ValueError):
        raise _Unsure from None
    return check.expr


@functools.lru_cache(maxsize=4096)
def _generated_expression(text: str) -> str:
    try:
        column = _full_read_create_table(f"CREATE TABLE t (c T GENERATED ALWAYS AS ({text}))", "t").columns
    except UnreadableDDLError:
        raise _Unsure from None
    generated = column["c"].generated if "c" in column else None
    if generated is None:
        raise _Unsure
    return generated


def _quick_read_create_index(sql: str) -> IndexClauses | None:
    """What :func:`_full_read_create_index` reads, for an index on plain columns; None when unsure."""
    try:
        tokens = _Tokens(sql)
        tokens.expect("CREATE")
        tokens.take("UNIQUE")
        tokens.expect("INDEX")
        tokens.take("IF", "NOT", "EXISTS")
        tokens.name()
        tokens.expect("ON")
        tokens.name()
        tokens.expect("(")
        keys = []
        while True:
            tokens.name()
            collation = canonical_collation(tokens.name()) if tokens.take("COLLATE") else None
            _ = tokens.take("ASC") or tokens.take("DESC")
            keys.append(IndexKeyClause(expr=None, collation=collation))
            if not tokens.take(","):
                break
        tokens.expect(")")
        predicate = None
        if tokens.take("WHERE"):
            if tokens.i >= tokens.end:
                raise _Unsure
            predicate = _index_predicate(sql[tokens.start_of(tokens.i) :])
        elif tokens.i != tokens.end:
            raise _Unsure
    except _Unsure:
        return None
    return IndexClauses(keys=keys, predicate=predicate)


@functools.lru_cache(maxsize=4096)
def _index_predicate(text: str) -> str:
    """An index predicate as the full reader renders it, read in a minimal CREATE INDEX."""
    try:
        predicate = _full_read_create_index(f"CREATE INDEX i ON t (c) WHERE {text}", "i").predicate
    except UnreadableDDLError:
        raise _Unsure from None
    if predicate is None:
        raise _Unsure
    return predicate
