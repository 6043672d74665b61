data "external" "dot_env" {
  program = [
    "python",
    "-c",
    "import sys; sys.stdout.write(open('dot_env.json').read())",
  ]
  // Relative to the working directory, as in Atlas.
  working_dir = "files"
}

locals {
  dot_env = jsondecode(data.external.dot_env)
}

env "local" {
  url = local.dot_env.URL
  dev = local.dot_env.DEV
  raw = trimspace(data.external.dot_env.value)
}
