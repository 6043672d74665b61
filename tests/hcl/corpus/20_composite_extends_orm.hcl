data "external_schema" "django" {
  program     = ["python", "manage.py", "graticule-schema", "--dialect", "postgresql"]
  working_dir = "backend"
}

data "composite_schema" "project" {
  // Types the ORM cannot define, loaded first.
  schema "public" {
    url = "file://types.sql"
  }
  schema "public" {
    url = data.external_schema.django.url
  }
}

data "external_schema" "unused" {
  program = ["never-run"]
}

env "dev" {
  src = data.composite_schema.project.url
  dev = "docker://postgres/16/dev"
}
