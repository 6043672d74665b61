locals {
  tenants = ["acme", "globex", "", "initech"]
  ports   = { acme = 5432, globex = 5433, initech = 5434 }

  active  = [for t in local.tenants : t if t != ""]
  urls    = { for t in local.active : t => "postgres://db:${local.ports[t]}/${t}" }
  by_len  = { for t in local.active : length(t) => t... }
  indexed = [for i, t in local.active : "${i}:${t}"]
  splat   = [for t in local.active : { name = t }][*].name
}

env "dev" {
  schemas = local.active
  url     = local.urls["globex"]
  by_len  = local.by_len
  indexed = local.indexed
  splat   = local.splat
}
