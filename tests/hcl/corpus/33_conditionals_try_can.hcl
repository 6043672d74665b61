variable "env" {
  type    = string
  default = "prod"
}

variable "overrides" {
  type    = map(string)
  default = {}
}

locals {
  is_prod = var.env == "prod"
}

env "dev" {
  url      = local.is_prod ? "postgres://prod-db:5432/app" : "sqlite://dev.db"
  dev      = try(var.overrides.dev, "sqlite://dev?mode=memory")
  has_dev  = can(var.overrides.dev)
  replicas = local.is_prod && length(var.overrides) == 0 ? 3 : 1
  fallback = coalesce("", "second")
}
