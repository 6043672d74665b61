"""Settings for the graticule example project (polls from Atlas's Django guide, blog from Django's docs)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "example-only-not-secret"
DEBUG = True
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "polls",
    "blog",
    # Provides `python manage.py graticule-schema`, the external_schema program in atlas.hcl.
    "graticule.provider",
]

ROOT_URLCONF = "mysite.urls"

# The provider never connects to this database; it only needs to know the engine (dialect comes from
# `--dialect`). EXAMPLE_DB_PATH lets tests point `manage.py migrate` at a scratch file.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("EXAMPLE_DB_PATH", BASE_DIR / "db.sqlite3"),
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
