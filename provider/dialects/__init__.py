"""One module per dialect; a dialect is looked up by its `--dialect` name and imported only when chosen."""

from __future__ import annotations

from importlib import import_module

from graticule.provider.dialects.base import Dialect, Realised
from graticule.provider.errors import ProviderError

__all__ = ["DIALECTS", "Dialect", "Realised", "get_dialect"]

# name -> "module:class"; imported lazily so a dialect's driver is only needed when that dialect is used.
DIALECTS: dict[str, str] = {
    "sqlite": "sqlite:SQLite",
    "postgresql": "postgresql:PostgreSQL",
    "mysql": "mysql:MySQL",
    "mariadb": "mysql:MariaDB",
    "mssql": "mssql:MSSQL",
}


def get_dialect(name: str) -> Dialect:
    try:
        module_name, class_name = DIALECTS[name].split(":")
    except KeyError:
        raise ProviderError(f"unknown dialect {name!r} (choose from {', '.join(DIALECTS)})") from None
    module = import_module(f"{__name__}.{module_name}")
    return getattr(module, class_name)()
