env "ci" {
  url = getenv("GRATICULE_CORPUS_URL")
  dev = "${getenv("GRATICULE_CORPUS_UNSET")}sqlite://dev?mode=memory"
  migration {
    dir = "file://${getenv("GRATICULE_CORPUS_DIR") == "" ? "migrations" : getenv("GRATICULE_CORPUS_DIR")}"
  }
}
