"""The ``graticule`` command line: thin click commands that parse flags, resolve the env and call a workflow.

One module per command (or family of commands); importing this package registers them all on ``main``.
"""

from __future__ import annotations

from . import (  # noqa: F401  (registers the commands; one per line)
    apply,
    diff,
    hash,
    inspect,
    lint,
    new,
    validate,
)
from .groups import main

__all__ = ["main"]
