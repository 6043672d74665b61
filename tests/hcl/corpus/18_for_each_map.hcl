locals {
  regions = {
    eu = "postgres://eu.example.com:5432/app"
    us = "postgres://us.example.com:5432/app"
  }
}

env "prod" {
  for_each = local.regions
  url      = each.value
  region   = each.key
  migration {
    dir              = "file://migrations"
    revisions_schema = "atlas_${each.key}"
  }
}
