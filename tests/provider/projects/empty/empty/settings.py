SECRET_KEY = "graticule-provider-tests"
# An app without models: there is nothing to create, which must be an error, never an empty schema.
INSTALLED_APPS = ["graticule.provider"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "never-created.sqlite3"}}
