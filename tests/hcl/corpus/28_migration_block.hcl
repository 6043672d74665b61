env "prod" {
  url = "postgres://db:5432/app"
  migration {
    dir              = "file://migrations"
    format           = atlas
    baseline         = "20240101000000"
    exec_order       = LINEAR_SKIP
    lock_timeout     = "2s"
    revisions_schema = "atlas_schema_revisions"
    exclude          = ["*.down.sql"]
    repo {
      name = "app"
    }
  }
}
