import os

SECRET_KEY = "graticule-provider-tests"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.postgres",
    "graticule.provider",
    "search",
    "tags",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("GRATICULE_TEST_DB", "never_created"),
        "HOST": os.environ.get("GRATICULE_TEST_HOST", "127.0.0.1"),
        "PORT": os.environ.get("GRATICULE_TEST_PORT", "1"),
        "USER": os.environ.get("GRATICULE_TEST_USER", "postgres"),
    }
}
