"""What a PostgreSQL statement says that the schema diff cannot: ``CONCURRENTLY``, ``NOT VALID``, ``USING
INDEX``.

The before/after schemas tell *what* changed; how PostgreSQL does it (and which lock it holds meanwhile) is in
the statement's words. sqlglot parses the common forms (``Create.concurrently``, ``Drop.concurrently``,
``Alter.not_valid``) but falls back to a bare ``Command`` for others (``ADD CONSTRAINT … USING INDEX``,
``VALIDATE CONSTRAINT``, ``REINDEX``), and keeps a single ``not_valid`` flag for a whole multi-action ``ALTER
TABLE``. So the checks here read sqlglot's tokens of the statement, which every form has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from ..context import StatementContext

_QUOTED = frozenset({TokenType.STRING, TokenType.IDENTIFIER})


@dataclass(frozen=True)
class Words:
    """The statement as upper-cased words (quoted names and strings kept as written, marked apart), with the
    depth of parentheses each word sits at."""

    words: tuple[str, ...]
    depths: tuple[int, ...]
    quoted: tuple[bool, ...]

    def has(self, *sequence: str, top_level: bool = False) -> bool:
        return self.find(*sequence, top_level=top_level) >= 0

    def find(self, *sequence: str, top_level: bool = False) -> int:
        """Index of the first occurrence of the unquoted word sequence, -1 if absent."""
        n = len(sequence)
        for i in range(len(self.words) - n + 1):
            if top_level and self.depths[i]:
                continue
            if all(not self.quoted[i + k] and self.words[i + k] == sequence[k] for k in range(n)):
                return i
        return -1

    def segments(self) -> list[Words]:
        """The comma-separated actions of an ``ALTER TABLE`` (commas at parenthesis depth 0)."""
        parts: list[Words] = []
        start = 0
        for i, word in enumerate(self.words):
            if word == "," and not self.depths[i] and not self.quoted[i]:
                parts.append(self._slice(start, i))
                start = i + 1
        parts.append(self._slice(start, len(self.words)))
        return parts

    def _slice(self, start: int, end: int) -> Words:
        return Words(self.words[start:end], self.depths[start:end], self.quoted[start:end])

    def names(self) -> set[str]:
        """Every name-like word, as PostgreSQL folds it (unquoted lower-cased, quoted as written)."""
        return {w if q else w.lower() for w, q in zip(self.words, self.quoted, strict=True)}


def words(ctx: StatementContext) -> Words:
    return words_of(ctx.stmt.text)


@lru_cache(maxsize=256)
def words_of(text: str) -> Words:
    """The words of any PostgreSQL text: a statement, or an expression the inspector reported."""
    try:
        tokens: Sequence[Token] = Dialect.get_or_raise("postgres").tokenize(text)
    except TokenError:
        return Words((), (), ())
    out, depths, quoted = [], [], []
    depth = 0
    for token in tokens:
        if token.token_type == TokenType.R_PAREN:
            depth -= 1
        is_quoted = token.token_type in _QUOTED
        # sqlglot keeps some keyword pairs as one token ("FOREIGN KEY", "PRIMARY KEY"): one word each here.
        for word in [token.text] if is_quoted else token.text.upper().split():
            out.append(word)
            depths.append(depth)
            quoted.append(is_quoted)
        if token.token_type == TokenType.L_PAREN:
            depth += 1
    return Words(tuple(out), tuple(depths), tuple(quoted))


def is_concurrently(ctx: StatementContext) -> bool:
    """``CREATE INDEX CONCURRENTLY``, ``DROP INDEX CONCURRENTLY``, ``REINDEX … CONCURRENTLY``, ``DETACH
    PARTITION … CONCURRENTLY``: forms PostgreSQL refuses inside a transaction block."""
    flag = ctx.expr.args.get("concurrently") if ctx.expr is not None else None
    if flag is not None:
        return bool(flag)
    return words(ctx).has("CONCURRENTLY", top_level=True)


def is_create_index(ctx: StatementContext) -> bool:
    w = words(ctx)
    return w.find("CREATE", "INDEX") == 0 or w.find("CREATE", "UNIQUE", "INDEX") == 0


def is_drop_index(ctx: StatementContext) -> bool:
    return words(ctx).find("DROP", "INDEX") == 0


def is_alter_table(ctx: StatementContext) -> bool:
    return words(ctx).find("ALTER", "TABLE") == 0


def uses_index(ctx: StatementContext) -> bool:
    """``ADD CONSTRAINT … PRIMARY KEY | UNIQUE USING INDEX i``: the constraint takes over a built index."""
    return is_alter_table(ctx) and words(ctx).has("USING", "INDEX", top_level=True)


def alter_actions(ctx: StatementContext) -> list[Words]:
    """The actions of an ``ALTER TABLE``, each with its own words, so ``NOT VALID`` is read per constraint
    (sqlglot keeps one flag for the whole statement)."""
    if not is_alter_table(ctx):
        return []
    return [s for s in words(ctx).segments() if s.has("ADD") or s.has("ALTER")]


def action_for(ctx: StatementContext, name: str | None, kind: Sequence[str]) -> Words | None:
    """The ``ALTER TABLE`` action that adds the constraint ``name`` of ``kind`` (``("FOREIGN", "KEY")``,
    ``("REFERENCES",)``), matched by name when the statement names it, else the only action of that kind."""
    candidates = [s for s in alter_actions(ctx) if s.has(*kind)]
    if name is not None:
        named = [s for s in candidates if name in s.names()]
        if named:
            return named[0]
    return candidates[0] if len(candidates) == 1 else None


def validates(ctx: StatementContext) -> bool:
    """``ALTER TABLE … VALIDATE CONSTRAINT``: checks existing rows under a SHARE UPDATE EXCLUSIVE lock (writes
    go on), the safe second half of ``NOT VALID``."""
    return is_alter_table(ctx) and words(ctx).has("VALIDATE", "CONSTRAINT", top_level=True)
