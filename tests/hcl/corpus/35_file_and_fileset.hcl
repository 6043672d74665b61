locals {
  schema_files = fileset("files/schema/*.sql")
}

env "dev" {
  src   = [for f in local.schema_files : "file://${f}"]
  url   = "mysql://root:${trimspace(file("files/token.txt"))}@localhost:3306/app"
  count = length(fileset("files/**/*.sql"))
}
