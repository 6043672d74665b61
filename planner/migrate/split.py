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

Most files hold none of the constructs that need the tokenizer's full reading; for those (SQLite's lexical
rules) a regular-expression scan finds the same statements in a fraction of the time (see _quick_scan).
"""

from __future__ import annotations

import bisect
import functools
import re
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
    scanned = _quick_scan(text, tokenizer_class) if delimiter == DEFAULT_DELIMITER else None
    if scanned is not None:
        ranges, comments = scanned
    else:
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


# ---- quick scan: the same statements without sqlglot's tokenizer -------------------------------------------
#
# sqlglot's tokenizer is pure Python and reads every character of a file; desired-state files and migration
# directories run to hundreds of kilobytes. With the default delimiter the statement boundaries depend only on
# where quoted text and comments are and on ``(``, ``)`` and ``;`` outside them, which one regular expression
# finds. The quick scan is taken only when that is provably all the tokenizer would decide: for a tokenizer
# with SQLite's lexical rules (see _quick_scan_profile), and for a text without the constructs whose
# tokenization reaches further (block and Jinja comments, BEGIN blocks, commands that swallow the rest of
# their statement, hex strings that may be invalid). Anything else, including every error, goes through the
# tokenizer. Tests compare both paths on generated texts.


def _quick_statement_pattern(max_depth: int) -> re.Pattern[str]:
    """One statement: comments and blanks before it, its tokens, then ``;`` or the end of the text.

    Parenthesised groups nest up to ``max_depth`` (a ``;`` inside one does not end the statement, as in
    _SemicolonScanner); a deeper, unclosed or unterminated construct makes the match fail, and the caller
    falls back to the tokenizer. Every repetition is possessive: no backtracking, linear time.
    """
    gap = r"(?:\s++|--[^\n]*+\n?)"
    # An opening quote right after an ``x`` may be a hex string, which the tokenizer validates: no match.
    word = r"""(?:[^\s'"`\[;()\-]++|(?<![xX])'(?:[^']++|'')*+'|"(?:[^"]++|"")*+"|`(?:[^`]++|``)*+`"""
    word += r"|\[(?:[^\]]++|\]\])*+\]|-(?!-))"
    inner = rf"(?:{gap}|;|{word})*+"
    for _ in range(max_depth - 1):
        inner = rf"(?:{gap}|;|{word}|\({inner}\))*+"
    token = rf"(?:{word}|\)|\({inner}\))"
    # ``body`` ends on a token: blanks and comments after it (before the ``;``) are not part of the statement.
    return re.compile(rf"(?P<lead>{gap}*+)(?:(?P<body>{token}(?:{gap}*+{token})*+){gap}*+)?(?P<end>;|\Z)")


_QUICK_STATEMENT = _quick_statement_pattern(8)
_LINE_COMMENT = re.compile(r"--[^\n]*+\n?")

# Refused texts (see _refused): BEGIN as a word (it may open a block, or make the next word a command), ``/*``
# block comments and hints, Jinja's ``{#`` comments, and ``{{-`` / ``{%-`` / ``-|-`` (keywords that end in
# ``-``, so a ``-`` after them does not start a ``--`` comment). BEGIN is looked for in the upper-cased text:
# sqlglot compares ``word.upper()`` with its keywords, and some letters upper-case into ASCII (the dotless
# i, U+0131, becomes ``I``).
_BEGIN = re.compile(r"(?<![A-Z_])BEGIN(?![A-Z0-9_])")
_JINJA = re.compile(r"\{[#{%]")

# The lexical rules _QUICK_STATEMENT encodes (SQLite's in sqlglot); a dialect whose tokenizer differs
# (PostgreSQL's dollar quotes and nested comments, MySQL's backslash escapes and ``#`` comments) always takes
# the tokenizer.
_QUICK_QUOTES = {"'": "'"}
_QUICK_STRING_ESCAPES = {"'"}
_QUICK_IDENTIFIERS = {'"': '"', "`": "`", "[": "]"}
_QUICK_COMMENTS = {"--": None, "/*": "*/", "{#": "#}"}
_QUICK_FORMAT_STRINGS = {"n'", "N'", "x'", "X'", "0x", "0X"}
# Tokens after which a command keyword makes sqlglot read the rest of the statement as one string; the quick
# scan refuses BEGIN, so only a statement's first word needs checking.
_QUICK_COMMAND_PREFIXES = {TokenType.SEMICOLON, TokenType.BEGIN}


@dataclass(frozen=True)
class _QuickProfile:
    commands: tuple[str, ...]
    """Upper-cased keywords of the tokenizer's command types: as a statement's first token, sqlglot reads the
    rest of the statement as one string."""
    word: re.Pattern[str]
    """A word as sqlglot's ``_scan_var`` reads it: up to a blank or a single-character token."""


@functools.cache
def _quick_scan_profile(tokenizer_class: type) -> _QuickProfile | None:
    """What the quick scan needs to know of a tokenizer; None when its lexical rules differ from the quick
    scan's."""
    t = tokenizer_class
    fits = (
        t._QUOTES == _QUICK_QUOTES
        and t._STRING_ESCAPES == _QUICK_STRING_ESCAPES
        and t._IDENTIFIERS.items() <= _QUICK_IDENTIFIERS.items()
        and not t._IDENTIFIER_ESCAPES
        and t._COMMENTS == _QUICK_COMMENTS
        and not t.NESTED_COMMENTS
        and not t.DASH_COMMENT_REQUIRES_BOUNDARY
        and t.COMMENTS_TERMINATE_AT_NEWLINE_ONLY
        and set(t._FORMAT_STRINGS) <= _QUICK_FORMAT_STRINGS
        and not t.VAR_SINGLE_TOKENS
        and all(c in t.SINGLE_TOKENS for c in "'\"`[;()")
        and t.COMMAND_PREFIX_TOKENS == _QUICK_COMMAND_PREFIXES
    )
    if not fits:
        return None
    commands = tuple(
        sorted({word.split()[0].upper() for word, kind in t.KEYWORDS.items() if kind in t.COMMANDS})
    )
    singles = "".join(re.escape(c) for c in t.SINGLE_TOKENS if len(c) == 1)
    return _QuickProfile(commands=commands, word=re.compile(rf"[^\s{singles}]+"))


def _quick_scan(
    text: str, tokenizer_class: type
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]] | None:
    """Statement ranges, and the comments between statements, exactly as the tokenizer path finds them; None
    when the text needs the tokenizer. (Comments inside a statement are left out: nothing attaches them.)"""
    profile = _quick_scan_profile(tokenizer_class)
    if profile is None or _refused(text):
        return None
    ranges: list[tuple[int, int]] = []
    comments: list[tuple[int, int]] = []
    position, size = 0, len(text)
    while position < size:
        match = _QUICK_STATEMENT.match(text, position)
        if match is None:
            return None
        lead_start, lead_end = match.span("lead")
        if text.find("--", lead_start, lead_end) >= 0:
            comments += [m.span() for m in _LINE_COMMENT.finditer(text, lead_start, lead_end)]
        start, end = match.span("body")
        if start >= 0:
            if _starts_command(text, start, profile):
                return None
            ranges.append((start, match.end() if match.group("end") else end))
        position = match.end()
        if not match.group("end"):
            break  # the end of the text
    return ranges, comments


def _refused(text: str) -> bool:
    # Plain substring tests first: a case-insensitive regular expression over a long text costs far more.
    if "/*" in text or "-|-" in text or ("{" in text and _JINJA.search(text)):
        return True
    upper = text.upper()
    return "BEGIN" in upper and _BEGIN.search(upper) is not None


def _starts_command(text: str, start: int, profile: _QuickProfile) -> bool:
    """Whether the statement's first word may be a command keyword (a longer word counts too: cautious)."""
    word = profile.word.match(text, start)
    return word is not None and word.group().upper().startswith(profile.commands)


# ---- default delimiter: statements end at ``;`` tokens -----------------------------------------------------


class _SemicolonScanner:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens

    def statement_end(self, i: int, *, nested: bool = False) -> int:
        """Index of the last token of the statement starting at token ``i``.

        ``nested`` scans inside a ``BEGIN`` block, where anything Atlas's scanner would reject (a stray ``)``,
        the end of the file) means the ``BEGIN`` did not open a block after all.
        """
        depth = 0
        j = i
        while j < len(self.tokens):
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
            j += 1
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
