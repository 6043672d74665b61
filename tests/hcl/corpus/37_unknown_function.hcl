env "dev" {
  url = "sqlite://dev.db"
  dev = lookup({ a = "sqlite://dev?mode=memory" }, "a", "")
}
