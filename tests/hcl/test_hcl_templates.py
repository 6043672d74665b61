"""String templates: ``%{ if }`` and ``%{ for }`` directives and ``~`` strip markers in quoted strings and
heredocs, interpolations spanning lines, and template errors at the position of the construct at fault."""

from __future__ import annotations

from typing import Any

import pytest

from graticule.hcl import ConfigError, load_config_text


def value(expression: str) -> Any:
    config = load_config_text(f'env "dev" {{\n  v = {expression}\n}}\n', "atlas.hcl", "dev")
    assert config.env is not None
    return config.env.attrs["v"]


def error(expression: str) -> str:
    with pytest.raises(ConfigError) as info:
        value(expression)
    return str(info.value)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"%{ if true }yes%{ endif }"', "yes"),
        ('"%{ if false }yes%{ else }no%{ endif }"', "no"),
        ('"%{ if "true" }converted%{ endif }"', "converted"),
        ('"%{ for x in ["a", "b"] }<${x}>%{ endfor }"', "<a><b>"),
        ('"%{ for i, x in ["a", "b"] }${i}${x}%{ endfor }"', "0a1b"),
        ('"%{ for k, v in { b = 2, a = 1 } }${k}=${v} %{ endfor }"', "a=1 b=2 "),  # maps in key order
        ('"%{ for x in [1, 2, 3] }%{ if x != 2 }${x}%{ endif }%{ endfor }"', "13"),
        ('"a  %{~ if true ~}  b  %{~ endif ~}  c"', "abc"),
        ('"[ %{~ for x in [1, 2] } ${x} %{~ endfor } ]"', "[ 1 2 ]"),
        ('"%%{ if } stays text"', "%{ if } stays text"),
    ],
)
def test_directives_in_quoted_strings(expression: str, expected: str) -> None:
    assert value(expression) == expected


def test_heredoc_interpolation_may_span_lines() -> None:
    assert value('<<EOT\n${join(",",\n  ["a", "b"])}|${\n  1 +\n  2\n}\nEOT\n') == "a,b|3\n"


def test_heredoc_expressions_keep_quotes_braces_and_backslashes() -> None:
    # HCL applies no escapes in heredoc text, but strings inside ${ } are ordinary quoted strings.
    assert value('<<EOT\n${"}"}${"a${"b"}c"} \\n "q" ${"tab\\there"}\nEOT\n') == '}abc \\n "q" tab\there\n'


def test_heredoc_directives_and_strip_markers() -> None:
    heredoc = """<<-EOT
    BEGIN;
    %{~ for t in ["a", "b"] ~}
    DROP TABLE ${t};
    %{~ endfor ~}
    COMMIT;
    EOT
"""
    assert value(heredoc) == "BEGIN;DROP TABLE a;DROP TABLE b;COMMIT;\n"
    assert value("<<EOT\n$${x} %%{ y }\nEOT\n") == "${x} %{ y }\n"
    assert value('<<EOT\n  ${~ "a" ~}  \nEOT\n') == "a"


def test_flush_heredoc_removes_the_common_indentation() -> None:
    assert (
        value('<<-EOT\n    a\n      ${upper("b")}\n    %{ if false }x%{ endif }c\n    EOT\n') == "a\n  B\nc\n"
    )


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('"%{ else }"', "atlas.hcl:2:8: unexpected %{ else } without a matching opening directive"),
        ('"%{ endfor }"', "atlas.hcl:2:8: unexpected %{ endfor } without a matching opening directive"),
        ('"%{ if true }x"', "atlas.hcl:2:8: unclosed template directive: %{ if } without %{ endif }"),
        (
            '"%{ for x in [1] }a%{ endif }"',
            "atlas.hcl:2:26: unexpected %{ endif }: the %{ for } at line 2 needs %{ endfor } first",
        ),
        (
            '"%{ if true }a%{ else }b%{ else }c%{ endif }"',
            "atlas.hcl:2:31: a second %{ else } in one %{ if }",
        ),
        ('"%{ if 1 }x%{ endif }"', "atlas.hcl:2:14: expected a bool, got number"),
        ('"%{ for x in 5 }x%{ endfor }"', "atlas.hcl:2:20: cannot iterate over a number value"),
        (
            '"${~ 1 }"',
            "atlas.hcl:2:10: syntax error: ${~ and ~} strip markers are not supported in quoted strings",
        ),
        ('"a\nb"', "atlas.hcl:2:8: unterminated string: a quoted string ends on its line"),
        # In a heredoc, the error is at the ${ or %{ of the construct, on its own line.
        ("<<EOT\nline\n  x ${nope}\nEOT\n", 'atlas.hcl:4:5: unknown variable "nope"'),
        (
            "<<EOT\nline\n%{ if true }x%{ endif\nEOT\n",
            "atlas.hcl:4:14: unclosed template directive: %{ without",
        ),
        ("<<EOT\n${}\nEOT\n", "atlas.hcl:3:1: empty template interpolation: expected an expression"),
        ("<<EOT\n${ 1 +\n}\nEOT\n", "atlas.hcl:3:1: syntax error in template: unexpected"),
        (
            "<<EOT\n${ 1 )\nx = ( 2 }\nEOT\n",
            "atlas.hcl:3:1: syntax error in template: expected one expression",
        ),
        (
            "<<EOT\n%{ while x }\nEOT\n",
            "atlas.hcl:3:1: invalid template directive %{while ...}: expected if, else",
        ),
        (
            "<<EOT\n%{ for x in [1] }\nEOT\n",
            "atlas.hcl:3:1: unclosed template directive: %{ for } without %{ endfor }",
        ),
        (
            "<<EOT\n${[1]}\nEOT\n",
            "atlas.hcl:3:1: invalid template interpolation value: cannot include a list",
        ),
    ],
)
def test_template_errors(expression: str, message: str) -> None:
    assert error(expression).startswith(message)
