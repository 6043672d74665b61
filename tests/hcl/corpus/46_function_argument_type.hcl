variable "schemas" {
  type    = list(string)
  default = ["a", "b"]
}

env "dev" {
  url = "postgres://db/app?search_path=${join(",", var.schemas)}"
  dev = upper(var.schemas)
}
