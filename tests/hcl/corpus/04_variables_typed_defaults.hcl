variable "user" {
  type        = string
  default     = "root"
  description = "The database user"
}

variable "port" {
  type    = number
  default = 3306
}

variable "debug" {
  type    = bool
  default = false
}

variable "schemas" {
  type    = list(string)
  default = ["app", "auth"]
}

variable "params" {
  type = map(string)
  default = {
    charset   = "utf8mb4"
    parseTime = "true"
  }
}

env "local" {
  url     = "mysql://${var.user}:pass@localhost:${var.port}/?debug=${var.debug}&charset=${var.params.charset}"
  schemas = var.schemas
  dev     = "docker://mysql/8/dev"
}
