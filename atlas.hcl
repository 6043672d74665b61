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

// The same project planned for PostgreSQL and MySQL/MariaDB. Each dev URL comes from the environment, with
// this machine's local servers as the default; graticule creates a scratch database on the server for every
// run and drops it afterwards. `docker://postgres/16/dev` or `docker://mysql/8/dev` work where Docker runs.
locals {
  postgres_dev = getenv("GRATICULE_POSTGRES_DEV_URL") == "" ? "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable" : getenv("GRATICULE_POSTGRES_DEV_URL")
  mysql_dev    = getenv("GRATICULE_MYSQL_DEV_URL") == "" ? "mysql://root@127.0.0.1:3306/mysql" : getenv("GRATICULE_MYSQL_DEV_URL")
}

data "external_schema" "django_postgres" {
  program = ["python", "example/manage.py", "graticule-schema", "--dialect", "postgresql"]
}

data "external_schema" "django_mysql" {
  program = ["python", "example/manage.py", "graticule-schema", "--dialect", "mariadb"]
}

env "postgres" {
  src = data.external_schema.django_postgres.url
  dev = local.postgres_dev
  migration {
    dir = "file://example/migrations_postgres"
  }
  format {
    migrate {
      diff = "{{ sql . \"  \" }}"
    }
  }
}

env "mysql" {
  src = data.external_schema.django_mysql.url
  dev = local.mysql_dev
  migration {
    dir = "file://example/migrations_mysql"
  }
  format {
    migrate {
      diff = "{{ sql . \"  \" }}"
    }
  }
}
