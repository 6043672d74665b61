"""Which server a connection talks to: MySQL or MariaDB, and which version.

Both flavours share one driver. The differences that matter for reading a schema (how defaults are quoted,
which catalog columns exist) are decided from this once per inspection; the SQL the planner writes is accepted
by both (MariaDB ≥ 10.2.7, MySQL ≥ 8.0.19), so a plan does not depend on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MYSQL = "mysql"
MARIADB = "mariadb"

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


@dataclass(frozen=True)
class Server:
    flavour: str
    """``mysql`` or ``mariadb``."""
    version: tuple[int, int, int]

    @classmethod
    def from_version(cls, text: str) -> Server:
        """Parse ``SELECT VERSION()``: ``10.11.6-MariaDB-0+deb12u1`` or ``8.0.36`` (or ``5.5.5-10.11…``)."""
        flavour = MARIADB if "mariadb" in text.lower() else MYSQL
        # MariaDB once prefixed its version with 5.5.5- for old replication clients; the real one follows.
        text = re.sub(r"^5\.5\.5-", "", text)
        match = _VERSION.search(text)
        version = tuple(int(x) for x in match.groups()) if match else (0, 0, 0)
        return cls(flavour, version)  # type: ignore[arg-type]

    @property
    def maria(self) -> bool:
        return self.flavour == MARIADB

    @property
    def functional_indexes(self) -> bool:
        """MySQL 8.0.13 added functional key parts (``STATISTICS.EXPRESSION``); MariaDB has none."""
        return not self.maria and self.version >= (8, 0, 13)

    @property
    def check_enforcement(self) -> bool:
        """MySQL 8.0.16 added CHECK constraints with ``[NOT] ENFORCED`` (``TABLE_CONSTRAINTS.ENFORCED``)."""
        return not self.maria and self.version >= (8, 0, 16)

    @property
    def checks(self) -> bool:
        """CHECK constraints exist (in information_schema) on MariaDB ≥ 10.2 and MySQL ≥ 8.0.16."""
        return self.version >= (10, 2, 0) if self.maria else self.version >= (8, 0, 16)

    def __str__(self) -> str:
        name = "MariaDB" if self.maria else "MySQL"
        return f"{name} {'.'.join(map(str, self.version))}"
