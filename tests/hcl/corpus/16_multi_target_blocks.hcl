env "prod" {
  url = "postgres://eu.example.com:5432/app"
  migration {
    dir = "file://migrations"
  }
}

env "staging" {
  url = "postgres://staging.example.com:5432/app"
}

env "prod" {
  url = "postgres://us.example.com:5432/app"
  migration {
    dir = "file://migrations"
  }
}
