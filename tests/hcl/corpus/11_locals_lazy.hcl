locals {
  // Never referenced: never evaluated, so its error does not matter.
  unused = file("no/such/file.txt")
  dir    = "file://migrations/${local.dialect}"
}

locals {
  // Locals may be declared after their first use, in another block.
  dialect = "sqlite"
}

env "dev" {
  dev = "sqlite://dev?mode=memory"
  migration {
    dir = local.dir
  }
}
