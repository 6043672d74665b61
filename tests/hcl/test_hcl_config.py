"""Loading atlas.hcl: the seed config from Atlas's Django guide, envs, variables, locals, data sources."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from graticule.hcl import (
    Analyzer,
    CompositeMember,
    CompositeSchema,
    ConcurrentIndex,
    ConfigError,
    Diff,
    ExternalSchema,
    Lint,
    load_config,
    load_config_text,
    parse_var_flags,
)

# Atlas's Django guide config, verbatim but for the program, which runs graticule's provider.
SEED_CONFIG = """\
data "external_schema" "django" {
  program = [
    "graticule-django", "--settings", "mysite.settings",
    "--dialect", "sqlite" // mariadb | postgresql | sqlite | mssql

    // if you want to only load a subset of your app models, you can specify the apps by adding
    // "--apps", "app1", "app2", "app3"
  ]
}

env "django" {
  src = data.external_schema.django.url
  dev = "docker://mysql/8/dev"
  migration {
    dir = "file://migrations"
  }
  format {
    migrate {
      diff = "{{ sql . \\"  \\" }}"
    }
  }
}
"""


def load(text: str, env: str | None = "dev", **variables: str | list[str]):
    return load_config_text(text, "atlas.hcl", env, variables)


def config_error(text: str, env: str | None = "dev", **variables: str | list[str]) -> str:
    with pytest.raises(ConfigError) as info:
        load(text, env, **variables)
    return str(info.value)


def test_seed_config_loads(tmp_path: Path) -> None:
    path = tmp_path / "atlas.hcl"
    path.write_text(SEED_CONFIG)
    config = load_config(str(path), "django", {})
    env = config.env
    assert env is not None
    assert env.name == "django"
    assert env.src == ["external_schema://django"]
    assert env.dev == "docker://mysql/8/dev"
    assert env.migration_dir == "file://migrations"
    assert env.migration_format == "atlas"
    assert env.diff_format == '{{ sql . "  " }}'
    assert config.external_schemas == {
        "django": ExternalSchema(
            "django", ["graticule-django", "--settings", "mysite.settings", "--dialect", "sqlite"]
        )
    }
    assert config.external_schemas["django"].url == "external_schema://django"


def test_missing_env() -> None:
    assert config_error(SEED_CONFIG, "prod") == 'env "prod" not defined in config file'


def test_no_env_selected_still_loads_data_sources() -> None:
    config = load(SEED_CONFIG, None)
    assert config.env is None
    assert list(config.external_schemas) == ["django"]


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(str(tmp_path / "atlas.hcl"), "dev", {})


def test_external_schema_working_dir_and_program_type() -> None:
    config = load(
        'data "external_schema" "app" {\n  program = ["python", "x.py"]\n  working_dir = "src"\n}\n', None
    )
    assert config.external_schemas["app"] == ExternalSchema("app", ["python", "x.py"], "src")
    message = config_error('data "external_schema" "app" {\n  program = "python x.py"\n}\n', None)
    assert message == 'atlas.hcl:2:3: "program" must be a list of strings, got string'


def test_env_fields_and_unknown_attributes_kept() -> None:
    config = load(
        """
env "dev" {
  url     = "sqlite://file.db"
  dev     = "sqlite://dev?mode=memory"
  src     = ["file://schema.sql", "file://extra.sql"]
  schemas = ["main"]
  tenant  = "acme"
  migration {
    dir              = "file://migrations"
    revisions_schema = "atlas"
    exec_order       = "linear-skip"
  }
  format {
    migrate {
      diff  = "{{ sql . }}"
      apply = "{{ json . }}"
    }
    schema {
      inspect = "{{ sql . }}"
    }
  }
  test {
    schema {
      src = ["x.test.hcl"]
    }
  }
}
"""
    )
    env = config.env
    assert env is not None
    assert (env.url, env.dev, env.src, env.schemas) == (
        "sqlite://file.db",
        "sqlite://dev?mode=memory",
        ["file://schema.sql", "file://extra.sql"],
        ["main"],
    )
    assert env.attrs == {"tenant": "acme"}
    assert env.migration.revisions_schema == "atlas"
    assert env.migration.exec_order == "linear-skip"
    assert env.format.migrate == {"diff": "{{ sql . }}", "apply": "{{ json . }}"}
    assert env.format.schema == {"inspect": "{{ sql . }}"}
    assert env.blocks == {"test": {"schema": {"src": ["x.test.hcl"]}}}


INHERITING = """
lint {
  destructive {
    error = true
  }
  latest = 1
  review = WARNING
}
diff {
  skip {
    drop_table = true
  }
  concurrent_index {
    create = true
  }
}
env "dev" {
  lint {
    latest = 3
    data_depend {
      error = false
    }
  }
  diff {
    concurrent_index {
      drop = true
    }
  }
}
env "plain" {
}
"""


def test_top_level_lint_and_diff_are_inherited_as_atlas_does() -> None:
    config = load(INHERITING)
    env = config.env
    assert env is not None
    # The env's analyzers replace the top-level ones; review is inherited; its own latest wins.
    assert env.lint == Lint(latest=3, review="WARNING", analyzers={"data_depend": Analyzer(error=False)})
    # Only the top-level skip block is inherited by an env with its own diff block.
    assert env.diff == Diff(skip={"drop_table"}, concurrent_index=ConcurrentIndex(drop=True))
    # An env without lint/diff blocks takes the top-level ones whole.
    plain = load(INHERITING, "plain").env
    assert plain is not None
    assert (
        plain.lint
        == config.lint
        == Lint(latest=1, review="WARNING", analyzers={"destructive": Analyzer(error=True)})
    )
    assert plain.diff == Diff(skip={"drop_table"}, concurrent_index=ConcurrentIndex(create=True))


def test_unlabeled_env_matches_atlas_env() -> None:
    text = 'env {\n  name = atlas.env\n  url  = "sqlite://${atlas.env}.db"\n}\n'
    env = load(text, "staging").env
    assert env is not None
    assert (env.name, env.url) == ("staging", "sqlite://staging.db")


def test_several_envs_pick_the_named_one() -> None:
    text = 'env "a" {\n  url = "sqlite://a"\n}\nenv "b" {\n  url = "sqlite://b"\n  broken = nope()\n}\n'
    env = load(text, "a").env
    assert env is not None and env.url == "sqlite://a"  # env "b" is not evaluated


def test_migration_format_other_than_atlas() -> None:
    text = 'env "dev" {\n  migration {\n    dir    = "file://m"\n    format = "golang-migrate"\n  }\n}\n'
    assert config_error(text) == (
        'atlas.hcl:4:5: migration format "golang-migrate" is not supported: graticule reads and writes '
        "the atlas format only"
    )
    # Atlas's scoped enums: the format may be written as a bare word.
    bare = 'env "dev" {\n  migration {\n    format = flyway\n  }\n}\n'
    assert config_error(bare).startswith('atlas.hcl:3:5: migration format "flyway" is not supported')
    atlas = load('env "dev" {\n  migration {\n    format = atlas\n  }\n}\n').env
    assert atlas is not None and atlas.migration_format == "atlas"
    assert config_error('env "dev" {\n  migration {\n    format = nope\n  }\n}\n') == (
        'atlas.hcl:3:14: unknown variable "nope"'
    )


def test_wrong_types_are_located() -> None:
    assert config_error('env "dev" {\n  dev = 5\n}\n') == 'atlas.hcl:2:3: "dev" must be a string, got number'
    assert config_error('env "dev" {\n  src = [1]\n}\n') == (
        'atlas.hcl:2:3: "src" must be a string or a list of strings, got a list with a non-string element'
    )


def test_variables_defaults_and_inputs() -> None:
    text = """
variable "db" {
  type    = string
  default = "app"
}
variable "port" {
  type    = number
  default = 5432
}
variable "schemas" {
  type    = list(string)
  default = []
}
variable "debug" {
  type    = bool
  default = false
}
env "dev" {
  url     = "postgres://localhost:${var.port}/${var.db}?debug=${var.debug}"
  schemas = var.schemas
}
"""
    env = load(text).env
    assert env is not None
    assert env.url == "postgres://localhost:5432/app?debug=false"
    assert env.schemas == []
    overridden = load(text, db="other", port="6543", schemas=["a", "b"], debug="true")
    assert overridden.variables == {"db": "other", "port": 6543, "schemas": ["a", "b"], "debug": True}
    # One value for a list variable becomes a one-element list.
    assert load(text, schemas="solo").variables["schemas"] == ["solo"]


def test_required_variable() -> None:
    text = 'variable "token" {\n  type = string\n}\nenv "dev" {\n  url = var.token\n}\n'
    assert config_error(text) == 'atlas.hcl:1:1: missing value for required variable "token"'
    env = load(text, token="t").env
    assert env is not None and env.url == "t"


def test_invalid_variable_values_and_types() -> None:
    text = 'variable "port" {\n  type = number\n}\n'
    assert config_error(text, port="abc") == "atlas.hcl:1:1: variable \"port\": expected a number, got 'abc'"
    assert config_error('variable "x" {\n  type = strnig\n}\n').startswith(
        "atlas.hcl:2:10: invalid variable type"
    )
    assert config_error('variable "x" {\n  default = 1\n}\n').startswith(
        'atlas.hcl:1:1: variable "x" needs a type'
    )


def test_undeclared_variable_reference() -> None:
    assert (
        config_error('env "dev" {\n  url = var.nope\n}\n') == 'atlas.hcl:2:12: undeclared variable "var.nope"'
    )


def test_locals_in_any_order_and_lazily() -> None:
    text = """
locals {
  url = "${local.scheme}://${local.host}"
}
locals {
  scheme = "mysql"
  host   = "db:${var.port}"
  unused = nope_not_evaluated()
}
variable "port" {
  type    = number
  default = 3306
}
env "dev" {
  url = local.url
}
"""
    env = load(text).env
    assert env is not None and env.url == "mysql://db:3306"


def test_local_cycle_names_the_path() -> None:
    text = 'locals {\n  a = local.b\n  b = local.a\n}\nenv "dev" {\n  url = local.a\n}\n'
    assert config_error(text) == "atlas.hcl:2:3: reference cycle: local.a -> local.b -> local.a"


def test_unknown_local_and_data_source() -> None:
    assert (
        config_error('env "dev" {\n  url = local.x\n}\n') == 'atlas.hcl:2:14: undefined local value "local.x"'
    )
    text = (
        'data "external_schema" "a" {\n  program = ["x"]\n}\n'
        'env "dev" {\n  src = data.external_schema.b.url\n}\n'
    )
    assert config_error(text) == 'atlas.hcl:5:29: data source "external_schema" "b" is not defined'
    assert config_error('env "dev" {\n  src = data.sql.x.url\n}\n') == (
        'atlas.hcl:2:13: no data source of type "sql" is defined'
    )


def test_unsupported_data_source_is_refused_when_used() -> None:
    text = 'data "sql" "tenants" {\n  url = "x"\n}\nenv "dev" {\n  src = data.sql.tenants.values\n}\n'
    assert config_error(text) == (
        'atlas.hcl:1:1: data source "sql" is not supported by graticule '
        "(supported: external_schema, composite_schema, external)"
    )
    assert load(text, None).env is None  # declared but unused: fine
    unknown = 'data "nosuch" "x" {\n}\n'
    assert config_error(unknown, None).startswith(
        'atlas.hcl:1:1: unknown data source type "nosuch" (expected '
    )


def test_getenv(monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'env "dev" {\n  url = getenv("GRATICULE_TEST_URL")\n  dev = "x${getenv("GRATICULE_UNSET")}y"\n}\n'
    monkeypatch.setenv("GRATICULE_TEST_URL", "sqlite://from-env")
    monkeypatch.delenv("GRATICULE_UNSET", raising=False)
    env = load(text).env
    assert env is not None
    assert (env.url, env.dev) == ("sqlite://from-env", "xy")


def test_file_function_is_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "token.txt").write_text("secret\n")
    (tmp_path / "atlas.hcl").write_text('env "dev" {\n  url = trimspace(file("token.txt"))\n}\n')
    env = load_config(str(tmp_path / "atlas.hcl"), "dev", {}).env
    assert env is not None and env.url == "secret"


def test_duplicate_definitions() -> None:
    assert config_error('env "dev" {\n  url = "a"\n  url = "b"\n}\n') == (
        'atlas.hcl:3:3: attribute "url" redefined (first set at line 2)'
    )
    assert config_error("locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\n", None) == (
        'atlas.hcl:5:3: duplicate local value "a" (first defined at line 2)'
    )
    assert config_error(
        'variable "a" {\n  type = bool\n  default = true\n}\nvariable "a" {\n  type = string\n}\n'
    ) == ('atlas.hcl:5:1: duplicate variable "a"')
    assert config_error('env "dev" {\n  migration {\n  }\n  migration {\n  }\n}\n') == (
        "atlas.hcl:4:3: duplicate migration block (first at line 2)"
    )


def program(code: str) -> str:
    """An HCL list running ``code`` with this interpreter (argv, no shell)."""
    return json.dumps([sys.executable, "-c", code])


def test_external_data_is_its_stdout_run_once_and_only_when_used(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    code = f"open({str(runs)!r}, 'a').write('x'); print('{{\"url\": \"sqlite://x.db\"}}')"
    text = (
        f'data "external" "conf" {{\n  program = {program(code)}\n}}\n'
        f'data "external" "broken" {{\n  program = {program("import sys; sys.exit(1)")}\n}}\n'
        "locals {\n  conf = jsondecode(data.external.conf)\n}\n"
        'env "dev" {\n  url = local.conf.url\n  raw = data.external.conf.value\n'
        "  same = data.external.conf == data.external.conf.value\n}\n"
    )
    env = load(text).env
    assert env is not None
    assert env.url == "sqlite://x.db"
    assert env.attrs == {"raw": '{"url": "sqlite://x.db"}\n', "same": True}
    assert runs.read_text() == "x"  # once, although referenced three times; "broken" never ran


def test_external_data_working_dir_and_missing_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "value.txt").write_text("from sub")
    monkeypatch.chdir(tmp_path)
    code = "print(open('value.txt').read())"
    text = f'data "external" "v" {{\n  program = {program(code)}\n  working_dir = "sub"\n}}\n'
    env = load(text + 'env "dev" {\n  v = trimspace(data.external.v)\n}\n').env
    assert env is not None and env.attrs["v"] == "from sub"
    use = 'env "dev" {\n  v = data.external.v\n}\n'
    missing = 'data "external" "v" {\n  program = ["no-such-program-graticule"]\n}\n' + use
    assert (
        config_error(missing)
        == "atlas.hcl:1:1: data.external.v: program 'no-such-program-graticule' not found"
    )
    empty = 'data "external" "v" {\n  program = []\n}\n' + use
    assert config_error(empty) == 'atlas.hcl:2:3: data "external" "v": program is empty'


def test_composite_schema_members_and_errors() -> None:
    text = """
data "external_schema" "orm" {
  program = ["orm", "--dialect", "sqlite"]
}
data "composite_schema" "inner" {
  schema "main" {
    url = "file://types.sql"
  }
}
data "composite_schema" "app" {
  schema "main" {
    url = data.composite_schema.inner.url
  }
  schema "main" {
    url = data.external_schema.orm.url
  }
}
env "dev" {
  src = data.composite_schema.app.url
}
"""
    config = load(text)
    assert config.env is not None and config.env.src == ["composite_schema://app"]
    assert config.composite_schemas["app"] == CompositeSchema(
        "app",
        [
            CompositeMember("main", "composite_schema://inner"),
            CompositeMember("main", "external_schema://orm"),
        ],
    )
    assert config.composite_schemas["inner"].urls == ["file://types.sql"]
    assert list(config.external_schemas) == ["orm"]

    def composite(body: str) -> str:
        return config_error(
            f'data "composite_schema" "c" {{\n{body}}}\n'
            'env "dev" {\n  src = data.composite_schema.c.url\n}\n'
        )

    assert composite("") == 'atlas.hcl:1:1: data "composite_schema" "c" needs at least one schema block'
    assert composite('  schema {\n    url = "file://a.sql"\n  }\n') == (
        'atlas.hcl:2:3: a composite schema member needs one label: schema "<name>" { url = ... }'
    )
    assert composite('  schema "s" {\n  }\n') == 'atlas.hcl:2:3: schema "s": missing attribute "url"'
    assert (
        composite('  schema "s" {\n    url = 1\n  }\n') == 'atlas.hcl:3:5: "url" must be a string, got number'
    )
    assert (
        composite('  url = "x"\n')
        == 'atlas.hcl:2:3: unknown attribute "url" in the data block (it takes only blocks)'
    )
    cycle = 'data "composite_schema" "c" {\n  schema "s" {\n    url = data.composite_schema.c.url\n  }\n}\n'
    assert config_error(cycle + 'env "dev" {\n  src = data.composite_schema.c.url\n}\n') == (
        "atlas.hcl:1:1: reference cycle: data.composite_schema.c -> data.composite_schema.c"
    )


def test_for_each_makes_one_env_per_item() -> None:
    text = 'env "t" {\n  for_each = {for n in ["b", "a"] : n => upper(n)}\n  url = "sqlite://${each.key}-${each.value}"\n}\n'
    envs = load(text, "t").envs
    assert [(e.url, e.each) for e in envs] == [
        ("sqlite://a-A", {"key": "a", "value": "A"}),
        ("sqlite://b-B", {"key": "b", "value": "B"}),
    ]
    by_index = load('env "t" {\n  for_each = ["x", "y"]\n  url = "${each.key}${each.value}"\n}\n', "t").envs
    assert [e.url for e in by_index] == ["0x", "1y"]
    assert config_error('env "t" {\n  for_each = "x"\n}\n', "t") == (
        'atlas.hcl:2:3: "for_each" must be a set, list or map, got string'
    )
    assert config_error('env "t" {\n  url = each.value\n}\n', "t") == 'atlas.hcl:2:9: unknown variable "each"'


def test_enum_attributes() -> None:
    def migration(attribute: str) -> str:
        return config_error(f'env "dev" {{\n  migration {{\n    {attribute}\n  }}\n}}\n')

    env = load('env "dev" {\n  migration {\n    exec_order = "non-linear"\n  }\n}\n').env
    assert env is not None and env.migration.exec_order == "non-linear"
    assert migration('exec_order = "sideways"') == (
        'atlas.hcl:3:5: "exec_order" must be one of LINEAR, LINEAR_SKIP, NON_LINEAR; got "sideways"'
    )
    assert migration('format = "atlas?x=1"').startswith('atlas.hcl:3:5: unknown migration format "atlas?x=1"')
    assert migration("colour = 1") == (
        'atlas.hcl:3:5: unknown attribute "colour" in the migration block (expected dir, format, baseline, '
        "exec_order, lock_timeout, revisions_schema, exclude)"
    )
    assert config_error('lint {\n  review = SOMETIMES\n}\nenv "dev" {\n}\n') == (
        'atlas.hcl:2:12: unknown variable "SOMETIMES"'
    )
    assert config_error('lint {\n  review = "sometimes"\n}\n', None) == (
        'atlas.hcl:2:3: "review" must be one of ALWAYS, WARNING, ERROR; got "sometimes"'
    )
    assert config_error('lint {\n  latest = "two"\n}\n', None) == (
        'atlas.hcl:2:3: "latest" must be a whole number, got string'
    )
    assert config_error('diff {\n  skip {\n    drop_table = "yes"\n  }\n}\n', None) == (
        'atlas.hcl:3:5: "drop_table" must be a bool, got string'
    )


def test_top_level_structure() -> None:
    assert config_error('evn "dev" {\n}\n', None) == (
        'atlas.hcl:1:1: unknown block "evn" (expected variable, locals, data, env, lint, diff)'
    )
    assert config_error('url = "x"\n', None) == (
        'atlas.hcl:1:1: unexpected attribute "url" at the top level: '
        "attributes belong in env or locals blocks"
    )
    assert (
        config_error('env "a" "b" {\n}\n')
        == 'atlas.hcl:1:1: an env block takes at most one label: env "<name>"'
    )
    # Atlas Cloud settings and test configuration are accepted and left alone.
    ignored = load('atlas {\n  cloud {\n    token = "t"\n  }\n}\ntest {\n}\nenv "dev" {\n}\n')
    assert ignored.env is not None and ignored.env.name == "dev"


def test_var_flags() -> None:
    assert parse_var_flags(["a=1", "b=x=y", "a=2", "c=", "a=3"]) == {
        "a": ["1", "2", "3"],
        "b": "x=y",
        "c": "",
    }
    with pytest.raises(ConfigError, match="invalid --var 'novalue': expected key=value"):
        parse_var_flags(["novalue"])


def test_locals_do_not_see_the_names_in_scope_where_they_are_used() -> None:
    text = (
        'locals {\n  tag = "t-${each.value}"\n  x = y\n}\n'
        'env "t" {\n  for_each = toset(["a"])\n  url = local.tag\n}\n'
        'env "u" {\n  v = [for y in [1] : local.x]\n}\n'
    )
    assert config_error(text, "t") == 'atlas.hcl:2:14: unknown variable "each"'
    assert config_error(text, "u") == 'atlas.hcl:3:7: unknown variable "y"'
    # An error inside a local used from a heredoc is reported in the local, not at the heredoc.
    heredoc = 'locals {\n  bad = nope\n}\nenv "dev" {\n  v = <<EOT\n${local.bad}\nEOT\n}\n'
    assert config_error(heredoc) == 'atlas.hcl:2:9: unknown variable "nope"'
