"""Malformed configs give a ``ConfigError`` and nothing else: the corpus configs, cut, spliced and truncated
anywhere, either load or fail with one located line.

The budget is modest for ``make test``; ``GRATICULE_FUZZ_EXAMPLES=5000 pytest tests/hcl/test_hcl_fuzz.py``
runs a longer search.
"""

from __future__ import annotations

import os

from corpus_support import Case, cases, load_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graticule.hcl import ConfigError

# Configs that run a program (data "external") stay out: a mutation must never decide what runs.
BASES = [case for case in cases() if 'data "external"' not in case.text]
INSERTIONS = [
    "{", "}", "[", "]", "(", ")", '"', "=", ",", ".", ":", "?", "!", "*", "\n", "\r\n", "\t", " ", "#", "//",
    "/*", "*/", "\\", "${", "%{", "$${", "%%{", "~", "<<EOT\n", "<<-EOT\n", "EOT\n", "...", "=>", "::", "-",
    "%{ if true }", "%{ else }", "%{ endif }", "%{ for x in [1] }", "%{ endfor }", "${~", "~}", "null", "1e9",
    "\u00e9", "\x00",
]  # fmt: skip
EXAMPLES = int(os.environ.get("GRATICULE_FUZZ_EXAMPLES", "300"))


@st.composite
def mutated(draw: st.DrawFn) -> tuple[Case, str]:
    case = draw(st.sampled_from(BASES))
    text = case.text
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "duplicate", "insert", "truncate"]))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)) :]
        elif kind == "duplicate":
            end = min(len(text), at + draw(st.integers(1, 40)))
            text = text[:end] + text[at:end] + text[end:]
        elif kind == "insert":
            text = text[:at] + draw(st.sampled_from(INSERTIONS)) + text[at:]
        else:
            text = text[:at]
    return case, text


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_malformed_configs_give_one_located_error(mutation: tuple[Case, str]) -> None:
    case, text = mutation
    try:
        load_case(case, text)
    except ConfigError as e:
        head = str(e).splitlines()[0]
        assert head and "Traceback" not in str(e)
        if e.line is not None:
            assert head.startswith(f"atlas.hcl:{e.line}:{e.column}: ")
            assert 1 <= e.line <= text.count("\n") + 2 and (e.column or 1) >= 1
