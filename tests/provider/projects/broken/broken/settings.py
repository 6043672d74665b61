SECRET_KEY = "graticule-provider-tests"
INSTALLED_APPS = [UNDEFINED_APP]  # noqa: F821 - a settings module that fails to import
