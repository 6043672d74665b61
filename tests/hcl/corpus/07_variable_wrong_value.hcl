variable "port" {
  type    = number
  default = 5432
}

env "local" {
  url = "postgres://localhost:${var.port}/app"
}
