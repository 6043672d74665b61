"""Expressions in atlas.hcl: literals, templates, heredocs, operators, functions, and their errors."""

from __future__ import annotations

from typing import Any

import pytest

from graticule.hcl import ConfigError, load_config_text


def value(expression: str, **variables: str | list[str]) -> Any:
    """The value of one expression, as an unknown env attribute (kept as a value)."""
    declared = "".join(f'variable "{name}" {{\n  type = any\n}}\n' for name in variables)
    config = load_config_text(
        f'{declared}env "dev" {{\n  v = {expression}\n}}\n', "atlas.hcl", "dev", variables
    )
    assert config.env is not None
    return config.env.attrs["v"]


def error(expression: str) -> str:
    with pytest.raises(ConfigError) as info:
        value(expression)
    return str(info.value)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"plain"', "plain"),
        ("42", 42),
        ("-3", -3),
        ("2.5", 2.5),
        ("1e3", 1000),
        ("true", True),
        ("null", None),
        ('[1, "a", [true]]', [1, "a", [True]]),
        ('{ a = 1, "b" = 2, c: 3 }', {"a": 1, "b": 2, "c": 3}),
        ('"tab\\tquote\\" backslash\\\\ \\u00e9"', 'tab\tquote" backslash\\ é'),
        ('"$${not.interpolated} %%{nor} $ and %"', "${not.interpolated} %{nor} $ and %"),
        ('"n=${1 + 2}, f=${10 / 4}, b=${!false}"', "n=3, f=2.5, b=true"),
        ("1 + 2 * 3 - 4 % 3", 6),
        ('1 < 2 && "a" == "a" || false', True),
        ('1 == "1"', False),
        ('true ? "yes" : "no"', "yes"),
        ("[10, 20, 30][1]", 20),
        ('{ a = { b = "deep" } }.a["b"]', "deep"),
        ("[{ n = 1 }, { n = 2 }][*].n", [1, 2]),
        ('[for s in ["a", "", "b"] : upper(s) if s != ""]', ["A", "B"]),
        ('{ for i, s in ["x", "y"] : s => i }', {"x": 0, "y": 1}),
    ],
)
def test_values(expression: str, expected: Any) -> None:
    assert value(expression) == expected


def test_for_object_grouping() -> None:
    assert value('{ for s in ["ax", "ay", "b"] : split("", s)[0] => s... }') == {
        "a": ["ax", "ay"],
        "b": ["b"],
    }


def test_string_functions() -> None:
    assert value('join("-", ["a", "b"], ["c"])') == "a-b-c"
    assert value('split(",", "a,b")') == ["a", "b"]
    assert value('replace("a.b.c", ".", "/")') == "a/b/c"
    assert value('format("%s:%d %q %%", "x", 5, "y")') == 'x:5 "y" %'
    assert value('lower("AbC")') == "abc"
    assert value('upper("abc")') == "ABC"
    assert value('trimspace("  x \\n")') == "x"
    assert value("length(concat([1], [2, 3]))") == 3
    assert value("merge({ a = 1 }, { a = 2, b = 3 })") == {"a": 2, "b": 3}
    assert value("jsonencode({ a = [1, true, null] })") == '{"a":[1,true,null]}'
    assert value("concat([[1], [2, 3]]...)") == [1, 2, 3]  # ... spreads a list into arguments


def test_try_and_can() -> None:
    assert value('try(local.missing, "fallback")') == "fallback"
    assert value("can(local.missing)") is False
    assert value('can("fine")') is True


def test_heredocs() -> None:
    assert value('<<EOT\nline ${1 + 1}\n  "quoted" \\n\nEOT\n') == 'line 2\n  "quoted" \\n\n'
    assert value('<<-EOT\n    a ${upper("b")}\n      c\n    EOT\n') == "a B\n  c\n"
    assert value("<<EOT\nEOT\n") == ""


def test_heredoc_with_nested_interpolation_in_a_string() -> None:
    assert value('<<EOT\n${format("%s-%s", "a", "b")}\nEOT\n', who="x") == "a-b\n"


def test_variables_in_templates() -> None:
    assert value('"${var.name}-x"', name="app") == "app-x"
    assert value("var.names", names=["a", "b"]) == ["a", "b"]


def test_atlas_env() -> None:
    assert value("atlas.env") == "dev"


def test_unknown_function_is_named() -> None:
    assert error('frobnicate("x")') == 'atlas.hcl:2:7: call to unknown function "frobnicate"'


def test_function_argument_errors() -> None:
    assert (
        error("upper(1, 2)") == "atlas.hcl:2:7: upper(): takes 1 argument, got 2 (signature: upper(string))"
    )
    assert error('join(",", "a")') == "atlas.hcl:2:17: join(): argument 2 must be a list, got string"
    assert error("lower([1])") == "atlas.hcl:2:13: lower(): argument 1 must be a string, got list"
    assert (
        error("concat()")
        == "atlas.hcl:2:7: concat(): takes at least 1 argument, got 0 (signature: concat(list, list...))"
    )
    assert error('jsondecode("{")').startswith("atlas.hcl:2:7: jsondecode(): invalid JSON")
    assert error('format("%y", 1)') == (
        "atlas.hcl:2:7: format(): unsupported format verb %y (supported: %v %s %q %d %f %e %g %t %x %o %b %%)"
    )
    assert (
        error('format("%s %s", 1)')
        == "atlas.hcl:2:7: format(): not enough arguments for the format string '%s %s'"
    )


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("nope", 'atlas.hcl:2:7: unknown variable "nope"'),
        ('"${[1]}"', "atlas.hcl:2:8: invalid template interpolation value: cannot include a list"),
        ('"${null}"', "atlas.hcl:2:8: invalid template interpolation value: the expression result is null"),
        ('"bad \\q escape"', "atlas.hcl:2:8: invalid escape sequence \\q"),
        ("[1][5]", "atlas.hcl:2:10: index 5 out of range for a list of 1 elements"),
        ("{ a = 1 }.b", 'atlas.hcl:2:16: object has no attribute "b"'),
        ('"x" + 1', "atlas.hcl:2:7: expected a number, got string 'x'"),
        ("1 / 0", "atlas.hcl:2:7: division by zero"),
        ('"%{ if true }x"', "atlas.hcl:2:8: unclosed template directive: %{ if } without %{ endif }"),
        ("{ a = 1, a = 2 }", 'atlas.hcl:2:16: duplicate object key "a"'),
    ],
)
def test_evaluation_errors(expression: str, message: str) -> None:
    assert error(expression).startswith(message)
