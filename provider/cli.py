"""Flags and error reporting shared by `manage.py graticule-schema` and `graticule-django`."""

from __future__ import annotations

import argparse
import traceback as tracebacks
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS

from graticule.provider.dialects import DIALECTS
from graticule.provider.errors import ProviderError
from graticule.provider.schema import SchemaRequest, generate_schema


def add_schema_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dialect", help=f"the database to emit DDL for: {', '.join(DIALECTS)}")
    parser.add_argument(
        "--apps", nargs="+", metavar="APP_LABEL", help="only these apps' tables (default: every app)"
    )
    parser.add_argument(
        "--database",
        default=DEFAULT_DB_ALIAS,
        help="the DATABASES alias whose routers and settings apply (default: %(default)s)",
    )
    parser.add_argument(
        "--server-version", help="the server version Django's DDL is gated on (e.g. 16, 8.0.36, 10.11)"
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="ignore on-disk migrations: plan every app from its models, like a first makemigrations",
    )
    parser.add_argument(
        "--project-dir", type=Path, help="the root source positions are relative to (default: the cwd)"
    )


def request_from_options(options: Mapping[str, Any]) -> SchemaRequest:
    if not options.get("dialect"):
        raise ProviderError(f"--dialect is required (one of {', '.join(DIALECTS)})")
    return SchemaRequest(
        dialect=options["dialect"],
        apps=options.get("apps") or None,
        database=options.get("database") or DEFAULT_DB_ALIAS,
        server_version=options.get("server_version"),
        fresh=bool(options.get("fresh")),
        project_dir=(options.get("project_dir") or Path.cwd()).resolve(),
    )


def run(
    options: Mapping[str, Any],
    write: Callable[[str], object],
    report: Callable[[str], object],
    *,
    traceback: bool = False,
) -> int:
    """Write the schema, or report one `Error: …` line; return the exit status."""
    try:
        write(generate_schema(request_from_options(options)))
    except ProviderError as exc:
        if traceback:
            tracebacks.print_exc()
        report(error_line(str(exc)))
        return 1
    except Exception as exc:
        if traceback:
            raise
        report(error_line(f"{type(exc).__name__}: {exc}"))
        return 1
    return 0


def error_line(message: str) -> str:
    return "Error: " + " ".join(message.split())
