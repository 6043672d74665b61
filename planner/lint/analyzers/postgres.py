"""The PostgreSQL families: concurrent_index (PG101-PG103, Atlas's analyzer of that name) and blocking_changes
(PG301-PG306: rewrites and full scans under locks that stop writes). Each lives in its own module; this one is
what the registry imports."""

from __future__ import annotations

from . import postgres_blocking, postgres_concurrency

ANALYZERS = [*postgres_concurrency.ANALYZERS, *postgres_blocking.ANALYZERS]
