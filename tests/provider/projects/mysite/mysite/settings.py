import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "graticule-provider-tests"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "graticule.provider",
    "polls",
    "blog",
    "kitchen",
    "shop",
    "inventory",
    "history",
]

# The fidelity tests point `migrate` at a scratch file; the provider must never open this one.
DATABASES = {
    "default": {
        "ENGINE": os.environ.get("GRATICULE_TEST_ENGINE", "django.db.backends.sqlite3"),
        "NAME": os.environ.get("GRATICULE_TEST_DB", str(BASE_DIR / "never-created.sqlite3")),
        "HOST": os.environ.get("GRATICULE_TEST_HOST", ""),
        "PORT": os.environ.get("GRATICULE_TEST_PORT", ""),
        "USER": os.environ.get("GRATICULE_TEST_USER", ""),
    }
}

# The --fresh fidelity test regenerates every app's migrations, contrib apps included, into a scratch package.
if os.environ.get("GRATICULE_TEST_FRESH_MIGRATIONS"):
    MIGRATION_MODULES = {
        label: f"fresh_migrations.{label}"
        for label in ("auth", "contenttypes", "polls", "blog", "kitchen", "shop", "inventory", "history")
    }

if "mysql" in DATABASES["default"]["ENGINE"]:
    import pymysql  # Django's MySQL backend imports mysqlclient; the tests use PyMySQL in its place.

    pymysql.install_as_MySQLdb()
