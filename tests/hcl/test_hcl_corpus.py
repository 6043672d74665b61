"""Every config of ``tests/hcl/corpus`` (written from Atlas's documented patterns) loads to the env its JSON
describes, or fails with exactly the error it names."""

from __future__ import annotations

import pytest
from corpus_support import Case, cases, describe, load_case

from graticule.hcl import ConfigError

CASES = cases()


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert sum("error" in case.spec for case in CASES) >= 8
    assert all(("expected" in case.spec) != ("error" in case.spec) for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_case(case: Case) -> None:
    if "error" in case.spec:
        with pytest.raises(ConfigError) as info:
            load_case(case)
        assert str(info.value) == case.spec["error"]
    else:
        assert describe(load_case(case)) == case.spec["expected"]
