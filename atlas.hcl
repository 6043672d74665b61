// graticule's example configuration, in the shape of Atlas's Django guide.
// Run from the repository root:  graticule migrate diff --env django

data "external_schema" "django" {
  program = [
    "python",
    "example/manage.py",
    "graticule-schema",
    "--dialect", "sqlite" // mariadb | mysql | postgresql | sqlite

    // to load only a subset of the apps, add:
    // "--apps", "polls", "blog"
  ]
}

env "django" {
  src = data.external_schema.django.url
  dev = "sqlite://dev?mode=memory"
  migration {
    dir = "file://example/migrations"
  }
  format {
    migrate {
      diff = "{{ sql . \"  \" }}"
    }
  }
}
