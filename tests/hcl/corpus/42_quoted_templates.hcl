variable "name" {
  type    = string
  default = "app"
}

variable "replicas" {
  type    = list(string)
  default = ["r1", "r2"]
}

env "dev" {
  plain      = "${var.name}-x"
  escapes    = "tab\there \"quoted\" \\ \u00e9 $${literal} %%{literal}"
  directive  = "%{ if var.name == "app" }yes%{ else }no%{ endif }"
  loop       = "%{ for i, r in var.replicas }${i}=${r};%{ endfor }"
  stripped   = "a %{~ if true ~} b %{~ endif ~} c"
  arithmetic = "${1 + 2 * 3}/${10 / 4}/${7 % 3}/${-2}"
}
