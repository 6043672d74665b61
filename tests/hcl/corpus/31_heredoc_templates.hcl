locals {
  apps = ["polls", "blog"]
  banner = <<-EOT
    -- generated for ${length(local.apps)} apps: ${join(", ",
      local.apps)}
    %{~ for i, app in local.apps }
    ${i + 1}. ${upper(app)}%{ if app == "blog" } (new)%{ endif }
    %{~ endfor }
    $${not_interpolated} and %%{ not_a_directive }
    EOT
  plain = <<EOF
  kept  "as is" \n no escapes
EOF
}

env "dev" {
  banner = local.banner
  plain  = local.plain
}
