"""graticule's Django provider: the DDL Django's own `migrate` would build, computed offline.

It runs inside the user's Django process and depends on Django only (never on `graticule.planner`).
Entry points: `python manage.py graticule-schema` and the `graticule-django` console script.
"""
