variable "dialect" {
  type    = string
  default = "sqlite"
}

data "external_schema" "django" {
  program = ["python", "manage.py", "graticule-schema", "--dialect", var.dialect]
}

data "composite_schema" "all" {
  schema "main" {
    url = data.external_schema.django.url
  }
  schema "main" {
    url = "file://extra.sql"
  }
}

lint {
  latest = 1
  review = WARNING
}

diff {
  skip {
    drop_column = true
  }
}

env "dev" {
  src = data.composite_schema.all.url
}
