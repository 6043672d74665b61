env "dev" {
  url     = "sqlite://dev.db"
  schemas = "main"
}
