lint {
  log = "{{ range .Files }}{{ .Name }}{{ end }}"
}

env "local" {
  log {
    migrate {
      apply = "{{ .Env }}"
    }
    schema {
      apply = "env: ${atlas.env}"
    }
  }
}
