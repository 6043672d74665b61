"""What SQLite's stored CREATE statements say that its pragmas do not.

SQLite keeps the text of every CREATE TABLE / CREATE INDEX in ``sqlite_master``; the pragmas expose columns,
keys and actions but not CHECK constraints, generated expressions, constraint names, DEFERRABLE, column
collations, partial-index predicates or expression index parts. Those are read here, with sqlglot.

sqlglot's SQLite grammar is wider than SQLite's in places, and reads past the end of some column constraints
(``DEFAULT 'x' COLLATE nocase`` becomes a collated default). Its parser cannot be adjusted by subclassing:
sqlglotc, the compiled build we depend on, refuses Python subclasses of its parser and generator. So the
statement is reshaped at the token level instead (never with regexes), along SQLite's own grammar: column
types become a placeholder (the pragmas report them exactly, and sqlglot would otherwise choke on types such
as ``unsigned big int``), each column constraint is parsed on its own, and clauses that change nothing the
model holds are dropped. Clauses the model cannot represent are refused rather than lost. Two of sqlglot's
readings that would change what SQLite computes are undone around the parser (see :func:`parse_tokens` and
:func:`render`).
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field, replace

from sqlglot import exp
from sqlglot.dialects.sqlite import SQLite
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from ...errors import GraticuleError
from ...schema import Check

DIALECT = SQLite()

BUILTIN_COLLATIONS = {"BINARY", "NOCASE", "RTRIM"}


class UnreadableDDLError(GraticuleError):
    """A stored CREATE statement that graticule cannot represent faithfully."""


# ---- expressions -------------------------------------------------------------------------------------------


def parse_expression(text: str) -> exp.Expression:
    """Parse one SQL expression. Wrapped in parentheses because sqlglot reads a leading ``replace(...)`` as a
    REPLACE statement; the newline keeps a trailing ``--`` comment from swallowing the closing parenthesis."""
    sql = f"({text}\n)"
    try:
        trees = parse_tokens(DIALECT.tokenize(sql), sql)
    except (ParseError, TokenError) as e:
        raise UnreadableDDLError(f"cannot read SQL expression {text!r}: {e}") from None
    if not trees or trees[0] is None:
        raise UnreadableDDLError(f"cannot read SQL expression {text!r}")
    return strip_parens(trees[0] if len(trees) == 1 else exp.Block(expressions=trees))


# sqlglot builds ``mod(x, y)`` into its ``%`` operator, but SQLite's mod() keeps fractions where ``%``
# truncates to integers. A ``mod`` name followed by ``(`` is therefore marked before parsing, so that no
# builder of sqlglot's claims it and it stays an anonymous function, and unmarked in the tree afterwards
# (wherever it ends up: ``REFERENCES mod (id)`` names a table).
_UNCLAIMED = "\x00unclaimed"
_NAME_TOKENS = (TokenType.VAR, TokenType.IDENTIFIER)


def parse_tokens(tokens: list[Token], sql: str) -> list[exp.Expression | None]:
    """sqlglot's parse of SQLite tokens (``tokens`` is changed), with ``mod()`` kept a function."""
    marked = False
    for i, token in enumerate(tokens[:-1]):
        if (
            token.token_type in _NAME_TOKENS
            and token.text.upper() == "MOD"
            and tokens[i + 1].token_type == TokenType.L_PAREN
        ):
            tokens[i] = Token(
                token.token_type, token.text + _UNCLAIMED, token.line, token.col, token.start, token.end
            )
            marked = True
    trees = DIALECT.parser().parse(tokens, sql)
    if marked:
        for tree in trees:
            for node in tree.walk() if tree else ():
                name = node.args.get("this")
                if isinstance(name, str) and name.endswith(_UNCLAIMED):
                    node.set("this", name.removesuffix(_UNCLAIMED))
    return trees


def strip_parens(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def render(node: exp.Expression) -> str:
    """Expression text as the model holds it: sqlglot's SQLite rendering, without outer parentheses.

    sqlglot writes SQLite's ``substr()`` as ``SUBSTRING``, which SQLite only knows since 3.34: it is written
    back as ``SUBSTR``. ``node`` may be changed: every caller renders a tree fresh from the parser, which
    sqlglot therefore need not copy first (copying costs as much as rendering).
    """
    node = strip_parens(node)
    if node.find(exp.Substring):
        node = node.transform(_substr, copy=False)
    return node.sql(dialect=DIALECT, copy=False)


def _substr(node: exp.Expression) -> exp.Expression:
    if not isinstance(node, exp.Substring):
        return node
    arguments = [node.this, node.args.get("start"), node.args.get("length")]
    return exp.Anonymous(this="SUBSTR", expressions=[a for a in arguments if a is not None])


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
    return f"({render(node)})"


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


# Words that open a column constraint (SQLite's ``columnconstraint`` grammar); the first one ends the type.
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
# Column constraints whose content only the text holds (a PRIMARY KEY's only such content is its name). A
# column without any (``"x" integer NOT NULL DEFAULT 0 PRIMARY KEY``) is fully described by the pragmas and is
# not parsed at all.
_TEXT_ONLY_CONSTRAINTS = {"UNIQUE", "CHECK", "COLLATE", "REFERENCES", "GENERATED", "AS"}
# Constraint words followed by one name or term, which may look like a keyword: ``COLLATE nocase``,
# ``REFERENCES "check"``, ``DEFAULT generated`` (SQLite reads a bare word after DEFAULT as a string).
_WORDS_BEFORE_A_TERM = {"CONSTRAINT", "COLLATE", "REFERENCES", "DEFAULT"}
_TABLE_CONSTRAINT_WORDS = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}


@functools.lru_cache(maxsize=16384)
def _read_create_table(sql: str, table: str) -> TableClauses:
    """The reading with sqlglot: tokenize, reshape, parse (see the module docstring)."""
    tokens = _tokenize(sql, table)
    words = _words(tokens)
    try:
        open_at = words.index("(")
    except ValueError:
        raise UnreadableDDLError(f'cannot read the definition of table "{table}": no column list') from None
    close_at = _matching_paren(words, open_at)
    clauses = TableClauses()
    after = words[close_at + 1 :]
    clauses.without_rowid = "ROWID" in after
    clauses.strict = "STRICT" in after
    body: list[Token] = []
    for start, end in _split_commas(words, open_at + 1, close_at):
        for reshaped in _reshape_definition(tokens[start:end], words[start:end], table, clauses):
            body += [Token(TokenType.COMMA, ","), *reshaped] if body else reshaped
    if not body:
        return clauses
    # The reshaped tokens go to the parser as they are: no text to build, nothing to tokenize twice.
    head = [Token(TokenType.CREATE, "CREATE"), Token(TokenType.TABLE, "TABLE"), Token(TokenType.VAR, "t")]
    statement = [*head, Token(TokenType.L_PAREN, "("), *body, Token(TokenType.R_PAREN, ")")]
    try:
        (create,) = parse_tokens(statement, sql)
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


_QUOTED = frozenset({TokenType.IDENTIFIER, TokenType.STRING})


def _words(tokens: list[Token]) -> list[str | None]:
    """For each token, its upper-cased first word (sqlglot makes one token of some keyword sequences, such as
    ``PRIMARY KEY``); None for quoted names and strings. Computed once per statement: every step compares
    words."""
    words: list[str | None] = []
    for token in tokens:
        parts = None if token.token_type in _QUOTED else token.text.split(None, 1)
        words.append(parts[0].upper() if parts else None)
    return words


def _matching_paren(words: list[str | None], open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(words)):
        word = words[i]
        if word == "(":
            depth += 1
        elif word == ")":
            depth -= 1
            if depth == 0:
                return i
    raise UnreadableDDLError("unbalanced parentheses in stored CREATE statement")


def _split_commas(words: list[str | None], start: int, end: int) -> list[tuple[int, int]]:
    """The ``[start, end)`` spans of the comma-separated definitions between two token positions."""
    spans = []
    depth = 0
    for i in range(start, end):
        word = words[i]
        if word == "," and depth == 0:
            spans.append((start, i))
            start = i + 1
        elif word == "(":
            depth += 1
        elif word == ")":
            depth -= 1
    spans.append((start, end))
    return [(s, e) for s, e in spans if s < e]


# The type the placeholder gives every parsed column: one of sqlglot's own, which it takes as it is (a name it
# does not know, it builds into a user-defined type, parsing it again).
_PLACEHOLDER_TYPE = (TokenType.INT, "INT")


def _reshape_definition(
    tokens: list[Token], words: list[str | None], table: str, clauses: TableClauses
) -> list[list[Token]]:
    """One column or table constraint, reshaped into definitions that sqlglot parses without losing meaning.

    A table constraint stays one definition. A column becomes one definition per constraint whose content only
    the text holds (``"c" INT CHECK (...)``, ``"c" INT COLLATE x``, ...), none when the pragmas report it all:
    alone in its definition, no constraint can be read past its end.
    """
    if words[0] in _TABLE_CONSTRAINT_WORDS:
        return [_reshape_clauses(tokens, words, table, table_constraint=True)[0]]
    type_end = 1
    while type_end < len(words) and words[type_end] not in _COLUMN_CONSTRAINT_WORDS:
        if words[type_end] == "(":
            type_end = _matching_paren(words, type_end) + 1
            break
        type_end += 1
    constraint_words = words[type_end:]
    clauses.autoincrement |= "AUTOINCREMENT" in constraint_words
    if not _TEXT_ONLY_CONSTRAINTS.intersection(constraint_words) and "CONSTRAINT" not in constraint_words:
        # Still refused, though nothing here is parsed: what the model cannot hold.
        if "CONFLICT" in constraint_words:
            _reshape_clauses(tokens[type_end:], constraint_words, table, table_constraint=False)
        return []
    constraints, words = _reshape_clauses(tokens[type_end:], constraint_words, table, table_constraint=False)
    # The declared type (which the pragma reports exactly) becomes a placeholder sqlglot always accepts.
    column = [tokens[0], Token(*_PLACEHOLDER_TYPE)]
    definitions = []
    for start, end in _constraint_spans(words):
        named = words[start] == "CONSTRAINT"
        kind = words[start + 2] if named and start + 2 < end else words[start]
        if kind in ("GENERATED", "AS"):
            # Spelled short, ``AS (expr) [STORED]``, right after the type: where sqlglot reads SQLite's
            # generated columns (its GENERATED grammar is the identity columns' of other dialects, which reads
            # a leading ``cycle`` or ``minvalue`` as an option). Whether it is STORED comes from the pragma;
            # a name is SQLite syntax only.
            if "AS" not in words[start:end]:
                raise UnreadableDDLError(f'table "{table}": cannot read a generated column')
            opening = words.index("AS", start)
            definitions.append([*column, *constraints[opening:end]])
        elif kind in _TEXT_ONLY_CONSTRAINTS or (kind == "PRIMARY" and named):
            definitions.append([*column, *constraints[start:end]])
    return definitions


def _constraint_spans(words: list[str | None]) -> list[tuple[int, int]]:
    """Where each of a column's constraints starts and ends, in its (reshaped) tokens' words.

    A constraint starts at a word of SQLite's that opens one, at the top level: not inside parentheses, not
    as the term of the word before (see _WORDS_BEFORE_A_TERM), and not inside another constraint's words
    (``NOT NULL``, ``ON DELETE SET NULL``, ``SET DEFAULT``, ``GENERATED ALWAYS AS``, ``CONSTRAINT c CHECK``).
    """
    starts = []
    depth = 0
    term_until = -1
    for i, word in enumerate(words):
        previous = words[i - 1] if i else None
        if depth == 0 and i > term_until and word in _COLUMN_CONSTRAINT_WORDS:
            named_one = i >= 2 and words[i - 2] == "CONSTRAINT" and word != "CONSTRAINT"
            part_of_one = (word == "NULL" and previous in ("NOT", "SET")) or (
                (word, previous) in (("DEFAULT", "SET"), ("AS", "ALWAYS"))
            )
            if not (named_one or part_of_one):
                starts.append(i)
            if word in _WORDS_BEFORE_A_TERM:
                term_until = _term_end(words, i + 1)
        depth += (word == "(") - (word == ")")
    return list(zip(starts, [*starts[1:], len(words)], strict=True))


def _term_end(words: list[str | None], i: int) -> int:
    """Index of the last word of the name or term starting at ``i``: a parenthesised group, a signed number,
    or one token (SQLite's grammar after DEFAULT, COLLATE, REFERENCES and CONSTRAINT)."""
    if i < len(words) and words[i] in ("+", "-"):
        return i + 1
    if i < len(words) and words[i] == "(":
        depth = 0
        for j in range(i, len(words)):
            depth += (words[j] == "(") - (words[j] == ")")
            if depth == 0:
                return j
    return i


def _reshape_clauses(
    tokens: list[Token], words: list[str | None], table: str, *, table_constraint: bool
) -> tuple[list[Token], list[str | None]]:
    """Reshape the clauses of one definition (its constraints, for a column) for sqlglot; the tokens kept,
    and their words.

    - ``NOT DEFERRABLE [INITIALLY ...]`` is dropped: it is SQLite's default, and sqlglot cannot parse it.
    - The ASC/DESC of a table-level PRIMARY KEY list is dropped: it orders only the key's storage.
    - ``ON CONFLICT`` is refused: the model has no place for it, and a table rebuild would silently lose it.
    """
    if "CONFLICT" not in words and "DEFERRABLE" not in words and not table_constraint:
        return tokens, words  # nothing to reshape (the common case)
    kept: list[Token] = []
    kept_words: list[str | None] = []
    i = 0
    in_primary_key = table_constraint and "PRIMARY" in words
    while i < len(tokens):
        word = words[i]
        following = words[i + 1] if i + 1 < len(tokens) else None
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
        kept.append(tokens[i])
        kept_words.append(word)
        i += 1
    return kept, kept_words


def _read_column(node: exp.ColumnDef, clauses: TableClauses) -> None:
    # One definition per constraint: a column's pieces come back one by one.
    column = clauses.columns.setdefault(node.name.lower(), ColumnClauses())
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
        create = parse_tokens(DIALECT.tokenize(sql), sql)[0]
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
