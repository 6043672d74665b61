variable "tenant" {
  type        = string
  description = "The name of the tenant (schema) to create"
}

env "local" {
  url = "mysql://root:pass@localhost:3306/${var.tenant}"
}
