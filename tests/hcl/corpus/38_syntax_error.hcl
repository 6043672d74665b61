data "external_schema" "django" {
  program = [
    "python",
    "manage.py",
    "graticule-schema"
    "--dialect", "sqlite"
  ]
}
