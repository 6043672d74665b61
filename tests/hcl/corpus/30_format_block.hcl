env "dev" {
  format {
    migrate {
      diff   = "{{ sql . \"\t\" }}"
      apply  = "{{ json . }}"
      lint   = "{{ range .Files }}{{ .Name }}{{ end }}"
      status = "{{ .Current }}"
    }
    schema {
      inspect = "{{ sql . }}"
      apply   = "{{ json .Changes }}"
      diff    = "{{ sql . \"  \" }}"
    }
  }
}
