"""The analyzer registry: one module per family, each exporting ``ANALYZERS``.

An analyzer's ``name`` is the name of its block in atlas.hcl's ``lint`` block
(``destructive { error = true }``) and one of the words ``-- atlas:nolint`` accepts besides the codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from ..context import StatementContext
from ..diagnostics import Diagnostic


class Analyzer(Protocol):
    name: str
    codes: Mapping[str, str]
    """Code → short title (the docs' and reports' heading)."""
    dialects: frozenset[str] | None
    """The dialects it applies to; None for every dialect."""
    error_by_default: bool

    def analyze(self, ctx: StatementContext, options: Mapping[str, Any]) -> Iterable[Diagnostic]: ...


def _registry() -> list[Analyzer]:
    from . import condrop, data_depend, destructive, incompatible, mysql, naming, postgres, sqlite

    found: list[Analyzer] = []
    for module in (destructive, data_depend, incompatible, condrop, mysql, sqlite, naming, postgres):
        found.extend(module.ANALYZERS)
    return found


ANALYZERS: list[Analyzer] = _registry()
