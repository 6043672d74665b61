"""Split a migration file into statements, on top of sqlglot's tokenizer.

sqlglot knows each dialect's strings, quoted identifiers, escapes, comments and PostgreSQL dollar quotes, so a
``;`` inside any of them never ends a statement. On top of the tokens this module adds what a migration file
needs and SQL itself does not say, following Atlas's scanner:

- ``BEGIN ... END`` compound bodies (triggers, procedures, ``BEGIN ATOMIC``) stay one statement: a ``BEGIN``
  followed by whitespace opens a block whose inner statements run until one that is only ``END``. A ``BEGIN``
  that never reaches such an ``END``, or that starts a file-level statement (``BEGIN TRANSACTION;``), is an
  ordinary word.
- ``-- atlas:delimiter <d>`` on the first line replaces ``;`` by ``<d>`` (``\\n`` escapes allowed); the
  delimiter then ends a statement wherever it appears outside strings, comments and parentheses.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from ..errors import GraticuleError
from .directives import first_line_delimiter

DEFAULT_DELIMITER = ";"

# graticule's dialect names (and URL schemes) → sqlglot's.
SQLGLOT_DIALECTS = {
    "sqlite": "sqlite",
    "postgres": "postgres",
    "postgresql": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "maria": "mysql",
}

# Tokens whose text is quoted: a delimiter inside them is data, not a statement end.
QUOTED_TOKENS = frozenset(
    {
        TokenType.STRING,
        TokenType.IDENTIFIER,
        TokenType.HEREDOC_STRING,
        TokenType.NATIONAL_STRING,
        TokenType.RAW_STRING,
        TokenType.BYTE_STRING,
        TokenType.BIT_STRING,
        TokenType.HEX_STRING,
        TokenType.UNICODE_STRING,
    }
)


@dataclass(frozen=True)
class FileStatement:
    text: str
    """The statement as written, with its ``;`` (Atlas keeps the default delimiter, drops a custom one)."""
    line: int
    """1-based line of the statement's first character in the file."""
    offset: int
    """0-based character offset of the statement in the file."""
    comments: tuple[str, ...] = ()
    """Comments directly above the statement (not separated by a blank line), as written."""


class _NotABlock(Exception):
    """A ``BEGIN`` turned out not to open a compound block; scanning resumes after it."""


def split_statements(text: str, dialect: str, label: str = "") -> list[FileStatement]:
    """The statements of a migration file's text, in order; ``label`` prefixes error positions."""
    tokenizer_class = _dialect(dialect).tokenizer_class
    delimiter = first_line_delimiter(text) or DEFAULT_DELIMITER
    tokens = _tokenize(text, dialect, label)
    comments = _comment_spans(text, tokens, tokenizer_class)
    if delimiter == DEFAULT_DELIMITER:
        ranges = list(_semicolon_ranges(text, tokens))
    else:
        ranges = list(_delimiter_ranges(text, tokens, comments, delimiter))
    attached = _attached_comments(text, comments, ranges)
    statements = []
    line, counted_to = 1, 0
    for (start, end), above in zip(ranges, attached, strict=True):
        # Count newlines incrementally: a long file must not be rescanned from the top for every statement.
        line += text.count("\n", counted_to, start)
        counted_to = start
        statements.append(FileStatement(text[start:end].rstrip(), line, start, above))
    return statements


def _dialect(name: str) -> Dialect:
    try:
        return Dialect.get_or_raise(SQLGLOT_DIALECTS[name])
    except KeyError:
        raise GraticuleError(f"unsupported SQL dialect {name!r}") from None


def _tokenize(text: str, dialect: str, label: str) -> list[Token]:
    d = _dialect(dialect)
    tokenizer = d.tokenizer_class(dialect=d)
    try:
        return tokenizer.tokenize(text)
    except TokenError:
        # sqlglot does not say where it stopped; the trouble starts after the last token it produced.
        done = tokenizer.tokens
        pos = done[-1].end + 1 if done else 0
        while pos < len(text) and text[pos].isspace():
            pos += 1
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        where = f"{label}:" if label else ""
        snippet = text[pos : pos + 30].split("\n")[0]
        raise GraticuleError(
            f"{where}{line}:{col}: cannot read SQL near {snippet!r} (unterminated string, "
            "quoted identifier or comment?)"
        ) from None


# ---- default delimiter: statements end at ``;`` tokens -----------------------------------------------------


# The tokens that decide where a statement ends; the others are skipped over.
_STRUCTURAL_TOKENS = frozenset({TokenType.L_PAREN, TokenType.R_PAREN, TokenType.SEMICOLON, TokenType.BEGIN})


class _SemicolonScanner:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        # Positions of the structural tokens: a scan jumps from one to the next instead of visiting every
        # token (a statement has dozens of tokens and a few of these).
        self.structural = [j for j, token in enumerate(tokens) if token.token_type in _STRUCTURAL_TOKENS]

    def statement_end(self, i: int, *, nested: bool = False) -> int:
        """Index of the last token of the statement starting at token ``i``.

        ``nested`` scans inside a ``BEGIN`` block, where anything Atlas's scanner would reject (a stray ``)``,
        the end of the file) means the ``BEGIN`` did not open a block after all.
        """
        depth = 0
        structural = self.structural
        for k in range(bisect.bisect_left(structural, i), len(structural)):
            j = structural[k]
            kind = self.tokens[j].token_type
            if kind == TokenType.L_PAREN:
                depth += 1
            elif kind == TokenType.R_PAREN:
                if depth == 0 and nested:
                    raise _NotABlock
                depth = max(depth - 1, 0)
            elif kind == TokenType.SEMICOLON and depth == 0:
                return j
            elif kind == TokenType.BEGIN and self._opens_block(j, i, nested):
                try:
                    return self._block_end(j + 1)
                except _NotABlock:
                    pass
        return len(self.tokens) - 1

    def _opens_block(self, j: int, statement_start: int, nested: bool) -> bool:
        # A file-level statement that *starts* with BEGIN controls a transaction in every dialect we support
        # (compound blocks exist only inside triggers, routines and other blocks). Atlas's scanner treats it
        # as a block too and then swallows ``BEGIN; ...; END;`` as one statement, which a driver that runs
        # one statement per call cannot execute; here it stays a statement of its own.
        if j == statement_start and not nested:
            return False
        token = self.tokens[j]
        after = self.text[token.end + 1 : token.end + 2]
        before = self.text[token.start - 1 : token.start] if token.start else ""
        return after.isspace() and (j == statement_start or before.isspace())

    def _block_end(self, i: int) -> int:
        """Index of the token closing the block whose body starts at token ``i`` (its ``END`` or ``END;``)."""
        while i < len(self.tokens):
            end = self.statement_end(i, nested=True)
            kinds = [t.token_type for t in self.tokens[i : end + 1]]
            if kinds in ([TokenType.END], [TokenType.END, TokenType.SEMICOLON]):
                return end
            i = end + 1
        raise _NotABlock


def _semicolon_ranges(text: str, tokens: list[Token]) -> Iterator[tuple[int, int]]:
    scanner = _SemicolonScanner(text, tokens)
    i = 0
    while i < len(tokens):
        end = scanner.statement_end(i)
        if tokens[i].token_type != TokenType.SEMICOLON:  # a lone ``;`` is not a statement
            yield tokens[i].start, tokens[end].end + 1
        i = end + 1


# ---- custom delimiter --------------------------------------------------------------------------------------


def _delimiter_ranges(
    text: str, tokens: list[Token], comments: list[tuple[int, int]], delimiter: str
) -> Iterator[tuple[int, int]]:
    quoted = [(t.start, t.end + 1) for t in tokens if t.token_type in QUOTED_TOKENS]
    opaque = _Spans(quoted + comments)
    starts = [t.start for t in tokens]
    # Atlas reads the statements after the directive line, so the scan starts on the second line.
    first_line_end = text.find("\n")
    position = len(text) if first_line_end < 0 else first_line_end + 1
    segment_start = position
    token_index = 0
    depth = 0
    while (found := text.find(delimiter, position)) >= 0:
        # Parenthesis depth from the tokens before this occurrence.
        while token_index < len(tokens) and tokens[token_index].start < found:
            kind = tokens[token_index].token_type
            if kind == TokenType.L_PAREN:
                depth += 1
            elif kind == TokenType.R_PAREN and depth > 0:
                depth -= 1
            token_index += 1
        if depth == 0 and not opaque.overlaps(found, found + len(delimiter)):
            yield from _segment(starts, segment_start, found)
            segment_start = position = found + len(delimiter)
        else:
            position = found + 1
    yield from _segment(starts, segment_start, len(text))


def _segment(starts: list[int], start: int, end: int) -> Iterator[tuple[int, int]]:
    """The statement between two delimiters, from its first token; nothing if it holds only comments."""
    i = bisect.bisect_left(starts, start)
    if i < len(starts) and starts[i] < end:
        yield starts[i], end


class _Spans:
    """Disjoint ``[start, end)`` character spans with a fast overlap test."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def overlaps(self, start: int, end: int) -> bool:
        # Only the last span starting before ``end`` can reach into [start, end): the spans are disjoint.
        i = bisect.bisect_left(self.starts, end) - 1
        return i >= 0 and self.spans[i][1] > start


# ---- comments ----------------------------------------------------------------------------------------------


def _comment_spans(text: str, tokens: list[Token], tokenizer_class: type) -> list[tuple[int, int]]:
    """Where the comments are: sqlglot drops them from the tokens, and between two tokens there is only
    whitespace and comments, so walking those gaps with the dialect's comment markers finds them all.
    A line comment's span includes its newline."""
    markers = sorted(
        ((m, None) if isinstance(m, str) else m for m in tokenizer_class.COMMENTS),
        key=lambda m: -len(m[0]),
    )
    nested = tokenizer_class.NESTED_COMMENTS
    spans = []
    bounds = [0] + [b for t in tokens for b in (t.start, t.end + 1)] + [len(text)]
    for gap_start, gap_end in zip(bounds[::2], bounds[1::2], strict=True):
        # Most gaps are a blank or two: skipped at C speed instead of walked character by character.
        if gap_start == gap_end or text[gap_start:gap_end].isspace():
            continue
        i = gap_start
        while i < gap_end:
            for opener, closer in markers:
                if text.startswith(opener, i):
                    end = _comment_end(text, i, opener, closer, nested)
                    spans.append((i, end))
                    i = end
                    break
            else:
                i += 1
    return spans


def _comment_end(text: str, start: int, opener: str, closer: str | None, nested: bool) -> int:
    if closer is None:
        newline = text.find("\n", start)
        return len(text) if newline < 0 else newline + 1
    depth, i = 1, start + len(opener)
    while i < len(text):
        if text.startswith(closer, i):
            depth -= 1
            i += len(closer)
            if not depth:
                return i
        elif nested and text.startswith(opener, i):
            depth += 1
            i += len(opener)
        else:
            i += 1
    return len(text)


def _attached_comments(
    text: str, comments: list[tuple[int, int]], ranges: list[tuple[int, int]]
) -> list[tuple[str, ...]]:
    """For each statement, the comments right above it, after the previous statement.

    A blank line after a comment detaches the comments so far, as in Atlas: for a line comment (whose span
    ends with its newline) the next character is a newline; for a block comment, the next two are.
    """
    result = []
    index = 0
    previous_end = 0
    for start, end in ranges:
        group: list[str] = []
        while index < len(comments) and comments[index][0] < start:
            c_start, c_end = comments[index]
            index += 1
            if c_start < previous_end:
                continue  # inside the previous statement
            after = text[c_end : c_end + 2]
            blank = after.startswith("\n") if text[c_end - 1] == "\n" else after == "\n\n"
            group = [] if blank else [*group, text[c_start:c_end].rstrip("\n")]
        result.append(tuple(group))
        previous_end = end
    return result
