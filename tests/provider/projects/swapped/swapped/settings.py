import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "graticule-provider-tests"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
AUTH_USER_MODEL = "accounts.User"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "graticule.provider",
    "accounts",
    "blog",
]

DATABASES = {
    "default": {
        "ENGINE": os.environ.get("GRATICULE_TEST_ENGINE", "django.db.backends.sqlite3"),
        "NAME": os.environ.get("GRATICULE_TEST_DB", str(BASE_DIR / "never-created.sqlite3")),
        "HOST": os.environ.get("GRATICULE_TEST_HOST", ""),
        "PORT": os.environ.get("GRATICULE_TEST_PORT", ""),
        "USER": os.environ.get("GRATICULE_TEST_USER", ""),
    }
}

if "mysql" in DATABASES["default"]["ENGINE"]:
    import pymysql  # Django's MySQL backend imports mysqlclient; the tests use PyMySQL in its place.

    pymysql.install_as_MySQLdb()
