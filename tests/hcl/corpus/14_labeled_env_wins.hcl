env "local" {
  url = "sqlite://local.db"
}

env {
  name = atlas.env
  url  = "sqlite://${atlas.env}.db"
}
