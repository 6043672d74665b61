"""Which analyzers run and which of them fail the lint: Atlas's defaults, then atlas.hcl's ``lint`` block.

Atlas's defaults: ``destructive`` is an error, every other analyzer a warning; ``naming`` checks nothing until
a pattern is configured. A block such as ``data_depend { error = true }`` overrides the default, and its other
attributes reach the analyzer as options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .analyzers import ANALYZERS, Analyzer


@dataclass
class AnalyzerSettings:
    error: bool | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class LintPolicy:
    analyzers: dict[str, AnalyzerSettings] = field(default_factory=dict)
    """By analyzer name (the atlas.hcl block name)."""
    review: str | None = None
    """``lint { review = ... }``: Atlas Cloud's review policy; recorded, it changes no exit code."""

    @classmethod
    def from_config(cls, lint: Any | None) -> LintPolicy:
        """From graticule.hcl's ``Lint`` (``Env.lint``), or the defaults for None."""
        if lint is None:
            return cls()
        return cls(
            analyzers={
                name: AnalyzerSettings(error=block.error, options=dict(block.options))
                for name, block in lint.analyzers.items()
            },
            review=lint.review,
        )

    def options(self, analyzer: Analyzer) -> Mapping[str, Any]:
        settings = self.analyzers.get(analyzer.name)
        return settings.options if settings else {}

    def is_error(self, analyzer: Analyzer) -> bool:
        settings = self.analyzers.get(analyzer.name)
        if settings is not None and settings.error is not None:
            return settings.error
        return analyzer.error_by_default

    def applies(self, analyzer: Analyzer, dialect: str) -> bool:
        return analyzer.dialects is None or dialect in analyzer.dialects

    def active(self, dialect: str) -> list[Analyzer]:
        return [a for a in ANALYZERS if self.applies(a, dialect)]
