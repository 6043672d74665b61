"""The fixed files of a generated project: manage.py, settings, app configs and an Atlas-style atlas.hcl."""

from __future__ import annotations

SETTINGS_PACKAGE = "benchsite"

MANAGE_PY = f'''#!/usr/bin/env python
"""Django's command-line utility for a generated benchmark project."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{SETTINGS_PACKAGE}.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
'''

# Atlas's Django guide, with our provider as the external_schema program.
ATLAS_HCL = """data "external_schema" "django" {
  program = [
    "python",
    "manage.py",
    "graticule-schema",
    "--dialect", "sqlite",
  ]
}

env "django" {
  src = data.external_schema.django.url
  dev = "sqlite://dev?mode=memory"
  migration {
    dir = "file://migrations"
  }
}
"""


def settings_module(app_labels: list[str]) -> str:
    apps = "".join(f'    "{label}",\n' for label in app_labels)
    return f'''"""Settings of a generated benchmark project."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "benchmark-only-not-secret"
DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
{apps}    "graticule.provider",
]

DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }}
}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
'''


def apps_module(label: str) -> str:
    class_name = "".join(part.capitalize() for part in label.split("_")) + "Config"
    return f'''from django.apps import AppConfig


class {class_name}(AppConfig):
    name = "{label}"
'''
