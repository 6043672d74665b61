env {
  url = "sqlite://dev.db"
}
