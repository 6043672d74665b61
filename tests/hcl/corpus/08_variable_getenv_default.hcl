variable "database_url" {
  type    = string
  default = getenv("DATABASE_URL")
}

variable "cloud_token" {
  type    = string
  default = getenv("ATLAS_TOKEN")
}

env "prod" {
  url   = var.database_url
  token = var.cloud_token
}
