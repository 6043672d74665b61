"""Where Django declares each table: the ``-- atlas:pos`` lines the provider prints in the desired state."""

from __future__ import annotations

import re

# `-- atlas:pos <table>[type=table] <path>:<line>`, as the provider prints it.
POSITION = re.compile(r"^--\s*atlas:pos\s+(?P<table>\S+?)\[type=table\]\s+(?P<pos>\S+)\s*$", re.MULTILINE)


def parse_positions(sql: str) -> dict[str, str]:
    """Table → ``path:line`` of its model."""
    return {m["table"]: m["pos"] for m in POSITION.finditer(sql)}
