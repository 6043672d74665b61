"""The Go text/template subset: Go's output for what is supported, a named error for the rest."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from graticule.planner.gotemplate import TemplateError, go_json, go_sprintf, render


@dataclass
class Item:
    Name: str
    Tags: list[str]
    hidden: str = "secret"


def test_text_and_fields() -> None:
    assert render("a {{ .Name }} b", {"Name": "x"}) == "a x b"
    assert render("{{ .A.B }}", {"A": {"B": 3}}) == "3"
    assert render("{{ .Name }}/{{ .Tags }}", Item("n", ["a", "b"])) == "n/[a b]"
    assert render("{{ . }}", "plain") == "plain"


def test_missing_values_print_like_go() -> None:
    assert render("{{ .Missing }}", {}) == "<no value>"
    assert render("{{ . }}", None) == "<no value>"
    assert render("{{ .X }}", {"X": [1, None, True]}) == "[1 <nil> true]"
    assert render("{{ .M }}", {"M": {"b": 2, "a": 1}}) == "map[a:1 b:2]"


def test_trim_markers() -> None:
    assert render("a  \n {{- .X -}} \n  b", {"X": 1}) == "a1b"
    assert render("a {{- .X }} b", {"X": 1}) == "a1 b"
    assert render("{{ -3 }}", None) == "-3"  # a number, not a trim marker


def test_comments() -> None:
    assert render("a {{/* note */}} b", None) == "a  b"
    assert render("a {{- /* note */ -}} b", None) == "ab"


def test_string_literals() -> None:
    assert render(r'{{ "tab\there\n\"q\" \x41\u00e9\101" }}', None) == 'tab\there\n"q" Aé' + "A"
    assert render("{{ `raw \\n` }}", None) == "raw \\n"
    assert render("{{ printf \"%d\" 'a' }}", None) == "97"


def test_if_else() -> None:
    template = "{{ if .A }}a{{ else if .B }}b{{ else }}c{{ end }}"
    assert render(template, {"A": 1, "B": 1}) == "a"
    assert render(template, {"A": 0, "B": "x"}) == "b"
    assert render(template, {"A": "", "B": []}) == "c"


def test_with_sets_dot() -> None:
    assert render("{{ with .Name }}<{{ . }}>{{ else }}none{{ end }}", {"Name": "x"}) == "<x>"
    assert render("{{ with .Name }}<{{ . }}>{{ else }}none{{ end }}", {"Name": ""}) == "none"


def test_range() -> None:
    assert render("{{ range .L }}[{{ . }}]{{ end }}", {"L": ["a", "b"]}) == "[a][b]"
    assert render("{{ range $i, $e := .L }}{{ $i }}={{ $e }};{{ end }}", {"L": ["a", "b"]}) == "0=a;1=b;"
    assert render("{{ range $e := .L }}{{ $e }}{{ end }}", {"L": ["a", "b"]}) == "ab"
    assert render("{{ range $k, $v := . }}{{ $k }}{{ $v }}{{ end }}", {"b": 2, "a": 1}) == "a1b2"
    assert render("{{ range 3 }}{{ . }}{{ end }}", None) == "012"
    assert render("{{ range .L }}x{{ else }}empty{{ end }}", {"L": []}) == "empty"


def test_variables_and_root() -> None:
    data = {"Sep": "-", "L": ["a", "b"]}
    assert render("{{ range .L }}{{ . }}{{ $.Sep }}{{ end }}", data) == "a-b-"
    assert render("{{ $x := .Sep }}{{ range .L }}{{ $x }}{{ end }}", data) == "--"
    assert render("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", None) == "2"


def test_pipelines_and_parens() -> None:
    assert render('{{ .Name | printf "%s!" }}', {"Name": "x"}) == "x!"
    assert render("{{ (index .L 1).Name }}", {"L": [Item("a", []), Item("b", [])]}) == "b"
    assert render('{{ len .L | printf "%03d" }}', {"L": [1, 2]}) == "002"


def test_builtin_functions() -> None:
    assert render('{{ and 1 0 2 }} {{ or 0 "" 3 }} {{ not 0 }}', None) == "0 3 true"
    assert render('{{ eq 1 2 1 }} {{ ne "a" "b" }} {{ lt 1 2 }} {{ ge 1 2 }}', None) == "true true true false"
    assert render('{{ slice "hello" 1 3 }} {{ index .M "k" }} {{ len "abc" }}', {"M": {"k": "v"}}) == "el v 3"
    assert render('{{ print 1 2 "a" 3 }}', None) == "1 2a3"
    assert render('{{ println 1 "x" }}', None) == "1 x\n"


def test_printf_verbs() -> None:
    assert go_sprintf(
        "%s|%v|%d|%q|%t|%x|%5s|%-4s|%.2f|%%", "a", 1.5, 7, 'x"y', True, 255, "r", "l", 3.14159
    ) == ('a|1.5|7|"x\\"y"|true|ff|    r|l   |3.14|%')
    assert go_sprintf("%s %s", "only") == "only %!s(MISSING)"
    assert go_sprintf("%s", "a", 2) == "a%!(EXTRA int=2)"
    assert go_sprintf("%d", "str") == "%!d(string=str)"


def test_go_float_printing() -> None:
    assert render("{{ 1e6 }} {{ 123456.0 }} {{ 0.00001 }} {{ 2.5 }} {{ 1e21 }}", None) == (
        "1e+06 123456 1e-05 2.5 1e+21"
    )


def test_json_function_matches_go_encoding() -> None:
    value = {"b": [1, "<&>"], "a": None}
    assert go_json(value) == '{"b":[1,"\\u003c\\u0026\\u003e"],"a":null}'
    assert go_json([1], "  ") == "[\n  1\n]"
    assert go_json([1], "> ", "\t") == "[\n> \t1\n> ]"
    assert json.loads(render("{{ json . }}", Item("n", ["t"]), {"json": go_json})) == {
        "Name": "n",
        "Tags": ["t"],
    }


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ('{{ define "x" }}{{ end }}', r"\{\{define\}\} is not supported"),
        ('{{ template "x" }}', r"\{\{template\}\} is not supported"),
        ('{{ block "x" . }}{{ end }}', r"\{\{block\}\} is not supported"),
        ("{{ range .L }}{{ break }}{{ end }}", r"\{\{break\}\} is not supported"),
        ("{{ upper .Name }}", 'function "upper" not defined'),
        ("{{ if .A }}x", r"\{\{if\}\} without \{\{end\}\}"),
        ("{{ end }}", r"unexpected \{\{end\}\}"),
        ("{{ .Name", "unclosed action"),
        ('{{ .Name "arg" }}', "method calls are not supported"),
        ("{{ .hidden }}", "can't evaluate field hidden"),
        ("{{ .Nope }}", "can't evaluate field Nope in type Item"),
        ("{{ $nope }}", "undefined variable: \\$nope"),
        ("{{ . }}", "printing a Item is not supported"),
        ('{{ printf "%z" 1 }}', "printf verb %z is not supported"),
        ("{{ index .Tags 5 }}", "index out of range: 5"),
        ('{{ eq 1 "1" }}', "incompatible types for comparison"),
        ('{{ "\\q" }}', "unknown escape sequence"),
        ("{{ range .Name }}{{ end }}", "range can't iterate over n"),
        ("{{ }}", "missing value for command"),
        ("{{ % }}", "unexpected '%' in action"),
    ],
)
def test_errors_name_the_construct(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        render(template, Item("n", ["t"]))


def test_error_positions() -> None:
    with pytest.raises(TemplateError, match=r"^template: format:2:6: function \"nope\" not defined"):
        render("ok\nab{{ nope }}", None, name="format")


def test_and_or_stop_early() -> None:
    # .A is nil: evaluating .A.B would fail, and Go never gets there.
    assert render("{{ if and .A .A.B }}yes{{ else }}no{{ end }}", {"A": None}) == "no"
    assert render("{{ or .X .X.Y }}", {"X": "set"}) == "set"
    assert render('{{ "" | or "first" }}', None) == "first"
