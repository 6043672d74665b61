env "local" {
  url = "sqlite://local.db"
}

env "dev" {
  url = "sqlite://dev.db"
}
