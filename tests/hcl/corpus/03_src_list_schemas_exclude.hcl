env "local" {
  src = [
    "file://a.sql",
    "file://b.sql",
  ]
  url     = "postgres://postgres:pass@localhost:5432/database?search_path=public&sslmode=disable"
  dev     = "docker://postgres/15/dev?search_path=public"
  schemas = ["public", "admin"]
  exclude = ["*.tmp_*", "public.audit_log"]
  include = ["public.*"]
}
