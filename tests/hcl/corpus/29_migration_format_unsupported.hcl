env "local" {
  migration {
    dir    = "file://migrations"
    format = golang-migrate
  }
}
