data "external_schema" "drizzle" {
  program = ["npx", "drizzle-kit", "export"]
}

env "local" {
  schema {
    src = data.external_schema.drizzle.url
    repo {
      name = "app"
    }
  }
  dev = "docker://postgres/16/dev"
  test {
    schema {
      src = ["schema.test.hcl"]
    }
  }
}
