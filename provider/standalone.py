"""`graticule-django --settings mysite.settings --dialect D`: the provider without editing INSTALLED_APPS."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"Error: {message} (see {self.prog} --help)\n")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog="graticule-django",
        description="Print the DDL Django's migrate would build for a project, without touching a database.",
    )
    parser.add_argument("--settings", help="the settings module (default: $DJANGO_SETTINGS_MODULE)")
    parser.add_argument("--traceback", action="store_true", help="show the traceback of an unexpected error")
    try:
        from graticule.provider.cli import add_schema_arguments
    except ImportError as exc:
        print(f"Error: graticule-django needs Django in this Python environment ({exc})", file=sys.stderr)
        return 1
    add_schema_arguments(parser)
    options = parser.parse_args(argv)

    project_dir = (options.project_dir or Path.cwd()).resolve()
    options.project_dir = project_dir
    settings_module = options.settings or os.environ.get("DJANGO_SETTINGS_MODULE")
    if not settings_module:
        print(
            "Error: no settings: pass --settings mysite.settings or set DJANGO_SETTINGS_MODULE",
            file=sys.stderr,
        )
        return 1
    # What `python manage.py` gets for free: the project directory first on the import path.
    sys.path.insert(0, str(project_dir))
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    try:
        import django

        django.setup()
    except Exception as exc:
        if options.traceback:
            raise
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())
        print(f"Error: cannot load settings {settings_module!r}: {detail}", file=sys.stderr)
        return 1

    from graticule.provider.cli import run

    return run(
        vars(options),
        write=sys.stdout.write,
        report=lambda line: print(line, file=sys.stderr),
        traceback=options.traceback,
    )


if __name__ == "__main__":
    sys.exit(main())
