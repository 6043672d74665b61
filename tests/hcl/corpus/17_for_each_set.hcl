variable "url" {
  type    = string
  default = "mysql://root:pass@localhost:3306/"
}

variable "tenants" {
  type = list(string)
}

env "prod" {
  for_each = toset(var.tenants)
  url      = urlsetpath(var.url, each.value)
  migration {
    dir = "file://migrations"
  }
  format {
    migrate {
      apply = format(
        "{{ json . | json_merge %q }}",
        jsonencode({
          Tenant : each.value
        })
      )
    }
  }
  // Inject custom variables to the schema files.
  tenant = each.value
}
