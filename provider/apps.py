from django.apps import AppConfig


class GraticuleProviderConfig(AppConfig):
    """Only here so `manage.py graticule-schema` is found; the provider defines no models."""

    name = "graticule.provider"
    label = "graticule_provider"
    verbose_name = "graticule schema provider"
