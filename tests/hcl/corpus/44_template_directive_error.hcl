locals {
  text = <<EOT
header
%{ for t in ["a", "b"] }
  ${t}
%{ endif }
EOT
}

env "dev" {
  text = local.text
}
