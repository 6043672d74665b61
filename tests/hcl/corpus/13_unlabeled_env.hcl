variable "database_url" {
  type    = string
  default = "postgres://localhost:5432/app"
}

env {
  // Set environment name dynamically based on --env value.
  name = atlas.env
  url  = var.database_url
  migration {
    dir = "file://migrations/${atlas.env}"
  }
  format {
    migrate {
      apply = format(
        "{{ json . | json_merge %q }}",
        jsonencode({
          EnvName : atlas.env
        })
      )
    }
  }
}
