"""Helpers for the lint tests: lint SQL texts on a dev database and look at the codes that came out."""

from __future__ import annotations

from collections.abc import Sequence

import servers

from graticule.planner.devdb import open_dev
from graticule.planner.lint.policy import AnalyzerSettings, LintPolicy
from graticule.planner.lint.report import LintReport
from graticule.planner.lint.runner import lint_files

SQLITE = "sqlite://dev?mode=memory"

DEV_URLS = {
    "sqlite": SQLITE,
    "postgresql": servers.POSTGRES_URL,
    "mariadb": servers.MYSQL_URL,
}


def lint(
    base: str | Sequence[str],
    *files: str,
    dev: str = SQLITE,
    policy: LintPolicy | None = None,
    positions: dict[str, str] | None = None,
) -> LintReport:
    """Lint ``files`` (texts, named 2.sql, 3.sql, ...) on top of ``base`` (one text or several)."""
    bases = [base] if isinstance(base, str) else list(base)
    base_files = [(f"{i}.sql", text) for i, text in enumerate(bases, 1) if text]
    new_files = [(f"{len(bases) + i}.sql", text) for i, text in enumerate(files, 1)]
    with open_dev(dev) as db:
        return lint_files(db, base_files, new_files, policy, positions)


def codes(report: LintReport) -> list[str]:
    """The codes found, without the PostgreSQL lock checks (PG1xx/PG3xx, tested by the corpus)."""
    return [d.code for d in report.diagnostics if not d.code.startswith("PG")]


def located(report: LintReport) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in report.diagnostics if not d.code.startswith("PG")]


def policy(**blocks: dict) -> LintPolicy:
    """A policy from analyzer blocks: ``policy(data_depend={"error": True}, naming={"match": "^a"})``."""
    settings = {}
    for name, block in blocks.items():
        block = dict(block)
        error = block.pop("error", None)
        settings[name] = AnalyzerSettings(error=error, options=block)
    return LintPolicy(analyzers=settings)
