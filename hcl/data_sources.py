"""``data`` blocks: the schema sources the planner loads (``external_schema``, ``composite_schema``) and the
``external`` source whose output is a value of the config.

The two kinds are treated differently on purpose. A schema source's output is SQL for the dev database, so
loading the config only records what to run (an opaque ``external_schema://<name>`` URL and its argv), and
the planner runs it when a command needs the desired state. An ``external`` source's output is a *value* that
other attributes are computed from (``jsondecode(data.external.env).URL``), so it must run while the config is
evaluated; it runs here, like ``file()`` reads a file here, which keeps the planner out of the evaluation (it
cannot see into it anyway) and keeps the error located at the block. It runs only when referenced.
"""

from __future__ import annotations

import subprocess

from .blocks import BlockReader
from .errors import ConfigError
from .model import CompositeMember, CompositeSchema, ExternalSchema
from .syntax import Block
from .values import ProgramOutput

SUPPORTED = ("external_schema", "composite_schema", "external")
# Data sources Atlas defines that need a database, a cloud account or Atlas's HCL schema language.
UNSUPPORTED = (
    "sql",
    "runtimevar",
    "hcl_schema",
    "remote_dir",
    "remote_schema",
    "template_dir",
    "aws_rds_token",
    "gcp_cloudsql_token",
)


def external_schema(reader: BlockReader, block: Block) -> ExternalSchema:
    name = block.labels[1]
    program, working_dir = _program(reader, block)
    return ExternalSchema(name, program, working_dir)


def composite_schema(reader: BlockReader, block: Block) -> CompositeSchema:
    name = block.labels[1]
    reader.only_attributes(block, ())
    reader.only_blocks(block, ("schema",))
    members = []
    for child in block.body.blocks:
        if len(child.labels) != 1:
            raise reader.error(
                'a composite schema member needs one label: schema "<name>" { url = ... }', child
            )
        reader.only_attributes(child, ("url",))
        reader.only_blocks(child, ())
        if "url" not in child.body.attributes:
            raise reader.error(f'schema "{child.labels[0]}": missing attribute "url"', child)
        members.append(CompositeMember(child.labels[0], reader.string(child.body.attributes["url"])))
    if not members:
        raise reader.error(f'data "composite_schema" "{name}" needs at least one schema block', block)
    return CompositeSchema(name, members)


def external(reader: BlockReader, block: Block) -> ProgramOutput:
    """Run a ``data "external"`` program (argv, no shell) and return its stdout."""
    label = f"data.external.{block.labels[1]}"
    argv, working_dir = _program(reader, block)
    try:
        proc = subprocess.run(
            argv,
            cwd=working_dir,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
    except FileNotFoundError:
        raise reader.error(f"{label}: program {argv[0]!r} not found", block) from None
    except OSError as e:
        raise reader.error(f"{label}: cannot run {argv[0]!r}: {e.strerror or e}", block) from None
    if proc.returncode != 0:
        # Atlas reports the program's stderr; the exit status heads the message either way.
        message = f"{label}: program {argv[0]!r} exited with status {proc.returncode}"
        raise ConfigError(message, reader.filename, block.line, block.column, detail=proc.stderr.rstrip())
    return ProgramOutput(proc.stdout)


def _program(reader: BlockReader, block: Block) -> tuple[list[str], str | None]:
    kind, name = block.labels
    reader.only_attributes(block, ("program", "working_dir"))
    reader.only_blocks(block, ())
    attributes = block.body.attributes
    if "program" not in attributes:
        raise reader.error(f'data "{kind}" "{name}": missing attribute "program"', block)
    program = reader.strings(attributes["program"])
    if not program:
        raise reader.error(f'data "{kind}" "{name}": program is empty', attributes["program"])
    return program, reader.optional_string(attributes.get("working_dir"))
