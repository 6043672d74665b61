"""File header directives (first lines of a file, followed by a blank line)."""

from __future__ import annotations

import pytest

from graticule.planner.errors import GraticuleError
from graticule.planner.migrate.directives import FileDirectives, header_comments, parse_directives


def test_all_directives() -> None:
    text = (
        "-- atlas:sum ignore\n-- atlas:txmode none\n-- atlas:delimiter \\n\\n\n-- atlas:nolint DS103 MF101\n"
        "-- atlas:import ../base.sql\n\nSELECT 1;"
    )
    assert parse_directives(text) == FileDirectives(
        txmode="none",
        delimiter="\n\n",
        nolint=("DS103", "MF101"),
        sum_ignore=True,
        other=[("import", "../base.sql")],
    )


def test_nolint_without_arguments_means_everything() -> None:
    assert parse_directives("-- atlas:nolint\n\nDROP TABLE t;").nolint == ()
    assert parse_directives("DROP TABLE t;").nolint is None


def test_header_needs_a_blank_line() -> None:
    # Without the blank line the comment belongs to the first statement, not to the file.
    assert header_comments("-- atlas:txmode none\nSELECT 1;") == []
    assert parse_directives("-- atlas:txmode none\nSELECT 1;").txmode is None
    assert header_comments("-- atlas:txmode none\n  \nSELECT 1;") == ["-- atlas:txmode none"]
    # A file of comments only is all header.
    assert header_comments("-- atlas:txmode none\n-- atlas:nolint") == [
        "-- atlas:txmode none",
        "-- atlas:nolint",
    ]


def test_directives_after_the_header_are_ignored() -> None:
    text = "-- about this file\n\nSELECT 1;\n-- atlas:txmode none\n"
    assert parse_directives(text) == FileDirectives()


def test_hash_prefix_is_accepted() -> None:
    assert parse_directives("# atlas:txmode file\n\nSELECT 1;").txmode == "file"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("-- atlas:txmode all", '1.sql:1: txmode "all" is not allowed'),
        ("-- atlas:txmode sometimes", "1.sql:1: unknown txmode 'sometimes'"),
        ("-- atlas:txmode none\n-- atlas:txmode file", "1.sql:2: multiple txmode values"),
    ],
)
def test_invalid_txmode(header: str, message: str) -> None:
    with pytest.raises(GraticuleError, match=message):
        parse_directives(f"{header}\n\nSELECT 1;", "1.sql")
