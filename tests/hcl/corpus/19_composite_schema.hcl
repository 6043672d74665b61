data "external_schema" "sqlalchemy" {
  program = [
    "python3",
    "-m", "atlas_provider_sqlalchemy",
    "--path", "./models",
    "--dialect", "postgresql"
  ]
}

data "composite_schema" "project" {
  schema "inventory" {
    url = data.external_schema.sqlalchemy.url
  }
  schema "auth" {
    url = "file://path/to/auth.sql"
  }
  schema "internal" {
    url = "file://path/to/schema.sql"
  }
}

env "dev" {
  src = data.composite_schema.project.url
  dev = "docker://postgres/15/dev"
  migration {
    dir = "file://migrations"
  }
}
