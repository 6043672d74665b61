"""The corpus of ``tests/hcl/corpus``: each ``<case>.hcl`` with a ``<case>.json`` beside it saying how to load
it (``env``, ``vars``, ``environ``) and what must come out: ``expected`` (the evaluated config, described
compactly) or ``error`` (the one-line message, then any detail lines).

The description leaves out every field still at its default, so a case's JSON holds what its config sets;
sets become sorted lists, and the corpus directory is written ``$DIR`` (``fileset`` returns full paths).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graticule.hcl import Config, load_config_text

CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclasses.dataclass
class Case:
    name: str
    config: Path
    spec: dict[str, Any]

    @property
    def text(self) -> str:
        return self.config.read_text(encoding="utf-8")


def cases() -> list[Case]:
    found = []
    for config in sorted(CORPUS.glob("*.hcl")):
        spec = json.loads(config.with_suffix(".json").read_text(encoding="utf-8"))
        found.append(Case(config.stem, config, spec))
    return found


@contextmanager
def environment(changes: dict[str, str | None]) -> Iterator[None]:
    """Set (or, for None, unset) environment variables, with ``python`` resolving to this interpreter, and
    work in the corpus directory (programs' ``working_dir`` is relative to it, as to Atlas's)."""
    saved, cwd = dict(os.environ), Path.cwd()
    os.chdir(CORPUS)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    for key, value in changes.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(saved)


def load_case(case: Case, text: str | None = None) -> Config:
    """Load a case's config (or ``text`` in its place) as the case says: errors read ``atlas.hcl:L:C``."""
    spec = case.spec
    with environment(spec.get("environ", {})):
        return load_config_text(
            case.text if text is None else text, "atlas.hcl", spec.get("env"), spec.get("vars", {}), CORPUS
        )


def describe(config: Config) -> dict[str, Any]:
    out = {
        "envs": [compact(env) for env in config.envs],
        "variables": config.variables,
        "external_schemas": {name: compact(s) for name, s in config.external_schemas.items()},
        "composite_schemas": {name: compact(s) for name, s in config.composite_schemas.items()},
        "lint": compact(config.lint),
        "diff": compact(config.diff),
    }
    text = json.dumps({k: v for k, v in out.items() if v not in ({}, [], None)}, sort_keys=True)
    return json.loads(text.replace(json.dumps(str(CORPUS))[1:-1], "$DIR"))


def compact(value: Any) -> Any:
    """Plain JSON values, leaving out dataclass fields that still hold their defaults."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.default is not dataclasses.MISSING and item == f.default:
                continue
            if f.default_factory is not dataclasses.MISSING and item == f.default_factory():
                continue
            out[f.name] = compact(item)
        return out
    if isinstance(value, dict):
        return {str(k): compact(v) for k, v in value.items()}
    if isinstance(value, set):
        return sorted(compact(v) for v in value)
    if isinstance(value, list):
        return [compact(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value
