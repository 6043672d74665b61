"""What every dialect provides: the emulated connection's settings and set-up, and turning a plan into DDL.

A dialect never decides *what* to build (that is Django's migration machinery, shared by all dialects in
`graticule.provider.planning`); it only decides how the forwards plan becomes statements for its database.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.migration import Migration
from django.db.utils import load_backend

from graticule.provider.errors import ProviderError


@dataclass(frozen=True)
class Realised:
    """The desired schema: statements (without their final `;`) and the tables they create, in order."""

    tables: list[str]
    statements: list[str]


class Dialect:
    name: ClassVar[str]
    """The value of `--dialect`."""
    vendor: ClassVar[str]
    """`connection.vendor` of the Django backends that build this dialect."""
    engine: ClassVar[str]
    """The backend used when the emulated alias is configured with a backend of another vendor."""
    default_server_version: ClassVar[str | None] = None

    def connection_settings(self, alias_settings: dict[str, Any]) -> dict[str, Any]:
        """Settings for the emulated connection, derived from the alias's own (already complete) settings.

        The alias's backend is kept when it builds this dialect (a project may subclass the stock backend);
        otherwise the stock backend is used and the alias's OPTIONS, meant for another vendor, are dropped.
        """
        settings = copy.deepcopy(alias_settings)
        if backend_vendor(settings.get("ENGINE", "")) != self.vendor:
            settings["ENGINE"] = self.engine
            settings["OPTIONS"] = {}
        return settings

    def server_version(self, requested: str | None) -> tuple[int, ...] | None:
        """The server version Django's feature flags are evaluated against."""
        text = requested or self.default_server_version
        return None if text is None else parse_version(text)

    def prepare(self, connection: BaseDatabaseWrapper, server_version: tuple[int, ...] | None) -> None:
        """Make the wrapper usable without a server (hook for dialects that need it)."""

    def realise(
        self,
        plan: list[Migration],
        connection: BaseDatabaseWrapper,
        *,
        fresh_runs: bool = True,
        avoid: frozenset[tuple[str, str]] = frozenset(),
    ) -> Realised:
        """The schema the plan builds; `fresh_runs=False` applies every migration with Django's path, and
        fresh runs never create the models of `avoid` (fresh.py)."""
        raise NotImplementedError


def backend_vendor(engine: str) -> str | None:
    """The vendor of a configured backend, or None when it cannot be imported (e.g. its driver is missing)."""
    try:
        return load_backend(engine).DatabaseWrapper.vendor
    except Exception:
        return None


def parse_version(text: str) -> tuple[int, ...]:
    if not re.fullmatch(r"\d+(\.\d+){0,2}", text):
        raise ProviderError(f"invalid --server-version {text!r}: expected digits like 16, 8.0.36 or 10.11")
    return tuple(int(part) for part in text.split("."))
