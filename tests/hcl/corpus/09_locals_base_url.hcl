variable "user" {
  type    = string
  default = "root"
}

variable "pass" {
  type    = string
  default = "pass"
}

variable "addr" {
  type    = string
  default = "localhost:3306"
}

locals {
  tenants  = ["tenant_1", "tenant_2"]
  base_url = "mysql://${var.user}:${var.pass}@${var.addr}"

  // Reference local values.
  db1_url = "${local.base_url}/db1"
  db2_url = "${local.base_url}/db2"
}

env "db1" {
  url     = local.db1_url
  schemas = local.tenants
}
