locals {
  a = "${local.b}-a"
  b = "${local.c}-b"
  c = local.a
}

env "dev" {
  url = local.a
}
