"""The ``graticule`` command line: thin click commands that parse flags, resolve the env and call a workflow.

One module per command (or family of commands); importing this package registers them all on ``main``.
Command modules import their workflow inside the command function: ``graticule --help`` and every command
then load only what that command uses (no SQL parser, database client or lint analyzers for ``--help``).
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
