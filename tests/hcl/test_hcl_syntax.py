"""Syntax errors: one located line, never a traceback."""

from __future__ import annotations

import pytest

from graticule.hcl import ConfigError, load_config_text

VALID = """\
variable "name" {
  type    = string
  default = "app"
}
locals {
  dir = "file://migrations/${var.name}"
}
data "external_schema" "django" {
  program = ["graticule-django", "--dialect", "sqlite"]
}
env "dev" {
  src = data.external_schema.django.url
  dev = "sqlite://dev?mode=memory"
  migration {
    dir = local.dir
  }
  format {
    migrate {
      diff = "{{ sql . \\"  \\" }}"
    }
  }
}
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'env "dev" {\n  url = \n}\n',
            "atlas.hcl:2:9: syntax error: unexpected newline, expected an expression",
        ),
        ('env "dev" {\n  url = "a"\n', 'atlas.hcl:3:1: syntax error: unexpected end of file, expected "}"'),
        ("a = @\n", "atlas.hcl:1:5: syntax error: unexpected '@', expected an expression"),
        (
            'env "dev" {\n  url = "open\n}\n',
            "atlas.hcl:2:10: syntax error: unexpected end of file, expected a closing",
        ),
        ('env "dev" {\n  url = [1, 2\n}\n', "atlas.hcl:3:1: syntax error: unexpected '}'"),
        ('a = "x" b = 1\n', "atlas.hcl:1:9: syntax error: missing newline before this argument or block"),
        ("}\n", "atlas.hcl:1:1: syntax error: unexpected '}'"),
    ],
)
def test_syntax_errors_are_located(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config_text(text, "atlas.hcl", "dev")
    assert str(info.value).startswith(message)
    assert (info.value.line, info.value.column) == tuple(int(n) for n in message.split(":")[1:3])


def test_the_fuzzing_base_is_valid() -> None:
    config = load_config_text(VALID, "atlas.hcl", "dev")
    assert config.env is not None and config.env.migration_dir == "file://migrations/app"
