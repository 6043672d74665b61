"""The config as the ``graticule`` command reads it: the seed config of Atlas's Django guide on the
example project, ``-c file://path --var ...``, and a composite schema made of a provider-like program and
a SQL file."""

from __future__ import annotations

import sys
from pathlib import Path

from clitools import Project, run_cli

SYNCED = "The migration directory is synced with the desired state, no changes to be made"

# Atlas's Django guide config, verbatim but for the program (graticule's provider on SQLite) and the dev
# database (SQLite in memory instead of docker://mysql/8/dev).
SEED_CONFIG = """\
data "external_schema" "django" {
  program = [
    "python",
    "manage.py",
    "graticule-schema",
    "--dialect", "sqlite" // mariadb | postgresql | sqlite | mssql

    // if you want to only load a subset of your app models, you can specify the apps by adding
    // "--apps", "app1", "app2", "app3"
  ]
}

env "django" {
  src = data.external_schema.django.url
  dev = "sqlite://dev?mode=memory"
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

PROVIDER = """\
import sys
print("-- printed by a provider-like program, argv: " + " ".join(sys.argv[1:]))
print("CREATE TABLE polls_question (id integer NOT NULL PRIMARY KEY, text varchar(200) NOT NULL);")
"""

# A config away from the working directory: -c names it. Variables pick the directory, the dev database and
# the program's argument; the composite schema puts the program's tables first, then the SQL that needs them.
COMPOSED_CONFIG = """\
variable "dir" {
  type = string
}

variable "dialect" {
  type    = string
  default = "mysql"
}

data "external_schema" "models" {
  program = ["python", "provider.py", "--dialect", var.dialect]
}

data "composite_schema" "app" {
  schema "main" {
    url = data.external_schema.models.url
  }
  schema "main" {
    url = "file://extra.sql"
  }
}

env "local" {
  src = data.composite_schema.app.url
  dev = "sqlite://dev?mode=memory"
  migration {
    dir = "file://${var.dir}"
  }
}

env "other" {
  src = "file://nothing.sql"
  dev = "sqlite://dev?mode=memory"
}
"""

EXTRA_SQL = """\
CREATE TABLE polls_choice (
  id integer NOT NULL PRIMARY KEY,
  question_id integer NOT NULL REFERENCES polls_question (id),
  votes integer NOT NULL DEFAULT 0
);
CREATE INDEX polls_choice_question ON polls_choice (question_id);
"""


def test_seed_config_plans_the_example_project(project: Project) -> None:
    (project.root / "atlas.hcl").write_text(SEED_CONFIG)
    first = project.diff()
    assert first.code == 0, first.stderr
    [migration] = project.files()
    content = migration.read_text()
    assert '-- Create "polls_question" table\nCREATE TABLE `polls_question` (\n  `id`' in content
    assert '-- Create "polls_choice" table' in content
    assert (project.migrations / "atlas.sum").is_file()
    again = project.diff()
    assert again.code == 0 and again.stdout.strip() == SYNCED


def composed_project(tmp_path: Path) -> Path:
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "atlas.hcl").write_text(COMPOSED_CONFIG)
    (tmp_path / "provider.py").write_text(PROVIDER)
    (tmp_path / "extra.sql").write_text(EXTRA_SQL)
    return tmp_path


def test_config_flag_vars_and_composite_schema(tmp_path: Path) -> None:
    root = composed_project(tmp_path)
    args = ["migrate", "diff", "--env", "local", "-c", "file://conf/atlas.hcl", "--var", "dir=db/migrations"]
    result = run_cli(*args, "initial", cwd=root)
    assert result.code == 0, result.stderr
    [migration] = sorted((root / "db" / "migrations").glob("*.sql"))
    assert migration.name.endswith("_initial.sql")
    content = migration.read_text()
    # One desired state from both sources: the program's table, then the SQL file's table and index.
    question = content.index('-- Create "polls_question" table')
    choice = content.index('-- Create "polls_choice" table')
    index = content.index('-- Create index "polls_choice_question" to table: "polls_choice"')
    assert question < choice < index
    assert (root / "db" / "migrations" / "atlas.sum").is_file()
    assert run_cli(*args, cwd=root).stdout.strip() == SYNCED

    # The file's part of the desired state changes: the next migration holds just that.
    (root / "extra.sql").write_text(
        EXTRA_SQL.replace("votes integer", "votes integer, note text,\n  x integer")
    )
    assert run_cli(*args, cwd=root).code == 0
    assert len(list((root / "db" / "migrations").glob("*.sql"))) == 2


def test_repeated_var_makes_a_list_of_sources(tmp_path: Path) -> None:
    (tmp_path / "a.sql").write_text("CREATE TABLE a (id integer NOT NULL PRIMARY KEY);\n")
    (tmp_path / "b.sql").write_text(
        "CREATE TABLE b (id integer NOT NULL PRIMARY KEY, a_id integer REFERENCES a (id));\n"
    )
    (tmp_path / "atlas.hcl").write_text(
        'variable "sources" {\n  type = list(string)\n}\n'
        'env "dev" {\n  src = [for s in var.sources : "file://${s}"]\n  dev = "sqlite://dev?mode=memory"\n}\n'
    )
    result = run_cli(
        "migrate", "diff", "--env", "dev", "--var", "sources=a.sql", "--var", "sources=b.sql", cwd=tmp_path
    )
    assert result.code == 0, result.stderr
    [migration] = sorted((tmp_path / "migrations").glob("*.sql"))
    assert '-- Create "a" table' in migration.read_text() and '-- Create "b" table' in migration.read_text()


def test_config_errors_are_one_located_line(tmp_path: Path) -> None:
    root = composed_project(tmp_path)
    missing = run_cli("migrate", "diff", "--env", "local", "-c", "file://conf/atlas.hcl", cwd=root)
    assert missing.code == 1
    assert missing.stderr == 'Error: conf/atlas.hcl:1:1: missing value for required variable "dir"\n'

    unknown = run_cli(
        "migrate", "diff", "--env", "prod", "-c", "file://conf/atlas.hcl", "--var", "dir=m", cwd=root
    )
    assert unknown.stderr == 'Error: env "prod" not defined in config file\n'

    no_scheme = run_cli("migrate", "diff", "--env", "local", "-c", "conf/atlas.hcl", cwd=root)
    assert no_scheme.stderr == "Error: missing scheme for config file. Did you mean file://conf/atlas.hcl?\n"

    bad_var = run_cli(
        "migrate", "diff", "--env", "local", "-c", "file://conf/atlas.hcl", "--var", "dir", cwd=root
    )
    assert bad_var.stderr == "Error: invalid --var 'dir': expected key=value\n"

    (root / "conf" / "atlas.hcl").write_text(
        COMPOSED_CONFIG.replace("type = string\n}", "type = string\n", 1)
    )
    syntax = run_cli("migrate", "diff", "--env", "local", "-c", "file://conf/atlas.hcl", cwd=root)
    assert syntax.code == 1
    assert syntax.stderr.startswith("Error: conf/atlas.hcl:") and "Traceback" not in syntax.stderr
    assert len(syntax.stderr.splitlines()) == 1


def test_multi_target_env_is_refused_by_migrate_diff(tmp_path: Path) -> None:
    (tmp_path / "atlas.hcl").write_text(
        'env "prod" {\n  for_each = toset(["a", "b"])\n  url = "sqlite://${each.value}.db"\n'
        '  dev = "sqlite://dev?mode=memory"\n}\n'
    )
    result = run_cli("migrate", "diff", "--env", "prod", "--to", "file://x.sql", cwd=tmp_path)
    assert (result.code, result.stderr) == (1, 'Error: multiple envs found for "prod"\n')


def test_external_data_failure_shows_the_program_stderr(tmp_path: Path) -> None:
    script = "import sys; sys.stderr.write('no vault token'); sys.exit(2)"
    (tmp_path / "atlas.hcl").write_text(
        f'data "external" "secret" {{\n  program = ["{Path(sys.executable).name}", "-c", "{script}"]\n}}\n'
        'env "dev" {\n  url = data.external.secret\n  dev = "sqlite://dev?mode=memory"\n}\n'
    )
    result = run_cli("migrate", "diff", "--env", "dev", "--to", "file://x.sql", cwd=tmp_path)
    assert result.code == 1
    name = Path(sys.executable).name
    assert result.stderr == (
        f"Error: atlas.hcl:1:1: data.external.secret: program '{name}' exited with status 2\nno vault token\n"
    )
