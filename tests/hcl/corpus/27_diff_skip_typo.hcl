diff {
  skip {
    drop_tabel = true
  }
}

env "local" {
}
