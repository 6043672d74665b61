"""What the provider prints: exact DDL for the example apps, positions, determinism, both entry points."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import django
import pytest
from django_projects import PROJECTS, manage, schema, standalone

MYSITE = PROJECTS / "mysite"


@pytest.fixture(scope="module")
def mysite_sqlite() -> str:
    return schema(MYSITE, "--dialect", "sqlite", POLLS_FORBID_RUNPYTHON="1")


def statements(output: str) -> list[str]:
    return [line for line in output.splitlines() if line and not line.startswith("--")]


def create_table(output: str, table: str) -> str:
    (found,) = [s for s in statements(output) if s.startswith(f'CREATE TABLE "{table}" ')]
    return found


def test_polls_tables(mysite_sqlite: str) -> None:
    # polls ships migrations: 0001, then 0002 widened question_text (a table rebuild on SQLite), then the
    # pending question_type field the migrations do not have yet.
    assert create_table(mysite_sqlite, "polls_question") == (
        'CREATE TABLE "polls_question" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
        '"pub_date" datetime NOT NULL, "question_text" varchar(200) NOT NULL, '
        '"question_type" varchar(20) NULL);'
    )
    assert create_table(mysite_sqlite, "polls_choice") == (
        'CREATE TABLE "polls_choice" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
        '"choice_text" varchar(200) NOT NULL, "votes" integer NOT NULL, "question_id" bigint NOT NULL '
        'REFERENCES "polls_question" ("id") DEFERRABLE INITIALLY DEFERRED);'
    )
    assert (
        'CREATE INDEX "polls_choice_question_id_c5b4b260" ON "polls_choice" ("question_id");' in mysite_sqlite
    )
    # RunSQL is part of the history; RunPython is not run (it raises under POLLS_FORBID_RUNPYTHON).
    assert (
        "CREATE INDEX polls_question_date_text ON polls_question (pub_date, question_text);" in mysite_sqlite
    )


def test_blog_tables_without_a_migrations_package(mysite_sqlite: str) -> None:
    assert not (MYSITE / "blog" / "migrations").exists()
    assert create_table(mysite_sqlite, "blog_post") == (
        'CREATE TABLE "blog_post" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
        '"slug" varchar(50) NOT NULL UNIQUE, "title" varchar(50) NOT NULL, "body" text NOT NULL, '
        '"published_on" datetime NULL);'
    )
    assert create_table(mysite_sqlite, "blog_feedbackoption") == (
        'CREATE TABLE "blog_feedbackoption" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
        '"slug" varchar(50) NOT NULL UNIQUE, "option" varchar(50) NOT NULL);'
    )
    # The user FK follows auth.User's own primary key (integer), not the project's BigAutoField default.
    assert create_table(mysite_sqlite, "blog_postfeedback") == (
        'CREATE TABLE "blog_postfeedback" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
        '"option_id" bigint NOT NULL REFERENCES "blog_feedbackoption" ("id") DEFERRABLE INITIALLY DEFERRED, '
        '"post_id" bigint NOT NULL REFERENCES "blog_post" ("id") DEFERRABLE INITIALLY DEFERRED, '
        '"user_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED);'
    )


def test_final_shape_only(mysite_sqlite: str) -> None:
    """No rebuild sequences, no data: every statement creates something."""
    for statement in statements(mysite_sqlite):
        assert re.match(r"CREATE (TABLE|UNIQUE INDEX|INDEX|VIEW) ", statement), statement
        assert "new__" not in statement
    assert mysite_sqlite.endswith(";\n")
    body = mysite_sqlite.split("\n\n", 1)[1]
    assert all(line.endswith(";") for line in body.splitlines())


def test_cross_app_cycle_keeps_both_foreign_keys(mysite_sqlite: str) -> None:
    assert '"item_id" bigint NOT NULL REFERENCES "inventory_item" ("id")' in create_table(
        mysite_sqlite, "shop_order"
    )
    assert '"last_order_id" bigint NULL REFERENCES "shop_order" ("id")' in create_table(
        mysite_sqlite, "inventory_item"
    )


def test_history_is_replayed(mysite_sqlite: str) -> None:
    """history/ renames a model, a field and a table, drops a model, and creates a view with RunSQL."""
    assert '"history_authors"' in mysite_sqlite and "history_writer" not in mysite_sqlite
    assert "history_review" not in mysite_sqlite
    book = create_table(mysite_sqlite, "history_book")
    assert '"isbn" varchar(13) NULL' in book and '"code"' not in book and '"obsolete"' not in book
    assert 'REFERENCES "history_authors" ("id")' in book
    assert "history_book_old" not in mysite_sqlite
    assert mysite_sqlite.endswith("CREATE VIEW history_titles AS SELECT title FROM history_book;\n")


def test_unmanaged_and_proxy_models_produce_nothing(mysite_sqlite: str) -> None:
    assert "legacy_report" not in mysite_sqlite
    assert "activeproduct" not in mysite_sqlite


def test_model_options_reach_the_ddl(mysite_sqlite: str) -> None:
    product = create_table(mysite_sqlite, "kitchen_product")
    assert 'CONSTRAINT "kitchen_price_nonnegative" CHECK ("price" >= \'0\')' in product
    assert 'CONSTRAINT "kitchen_unique_slug_released" UNIQUE ("slug", "released")' in product
    if django.VERSION >= (5, 0):  # db_default and GeneratedField
        assert '"rating" integer DEFAULT 3 NOT NULL' in product
        assert (
            '"price_with_tax" decimal GENERATED ALWAYS AS ((CAST(("price" * 2) AS NUMERIC))) STORED'
            in product
        )
        assert '"name_upper" varchar(100) GENERATED ALWAYS AS (UPPER("name")) VIRTUAL' in product
    assert '"supplier_id" smallint NULL,' in product  # db_constraint=False: no REFERENCES
    for index in [
        'CREATE UNIQUE INDEX "kitchen_unique_active_sku" ON "kitchen_product" ("stock_keeping_unit") '
        'WHERE "active";',
        'CREATE UNIQUE INDEX "kitchen_unique_upper_slug" ON "kitchen_product" ((UPPER("slug")));',
        'CREATE INDEX "kitchen_created_desc" ON "kitchen_product" ("created" DESC);',
        'CREATE INDEX "kitchen_active_name" ON "kitchen_product" ("name") WHERE "active";',
        'CREATE INDEX "kitchen_lower_name" ON "kitchen_product" ((LOWER("name")));',
        'CREATE INDEX "kitchen_slug_price" ON "kitchen_product" ("slug", "price" DESC);',
        'CREATE UNIQUE INDEX "kitchen_product_name_category_id_ed2162fa_uniq" ON "kitchen_product" '
        '("name", "category_id");',
    ]:
        assert index in mysite_sqlite
    if django.VERSION >= (5, 2):  # CompositePrimaryKey
        assert 'PRIMARY KEY ("warehouse", "product_id")' in create_table(mysite_sqlite, "kitchen_stocklevel")


def line_of(relative: str, declaration: str) -> str:
    """`path:line` of the first source line starting with `declaration`."""
    lines = (MYSITE / relative).read_text().splitlines()
    (number,) = [n for n, line in enumerate(lines, 1) if line.strip().startswith(declaration)][:1]
    return f"{relative}:{number}"


def test_positions(mysite_sqlite: str) -> None:
    header, _ = mysite_sqlite.split("\n\n", 1)
    positions = dict(re.findall(r"^-- atlas:pos (\S+)\[type=table\] (\S+)$", header, re.M))
    assert positions["polls_question"] == "polls/models.py:4" == line_of("polls/models.py", "class Question(")
    assert positions["polls_choice"] == line_of("polls/models.py", "class Choice(")
    assert positions["blog_postfeedback"] == line_of("blog/models.py", "class PostFeedback(")
    assert positions["kitchen_categories"] == line_of("kitchen/models.py", "class Category(")  # db_table
    # a class under a version guard
    if django.VERSION >= (5, 2):
        assert positions["kitchen_stocklevel"] == line_of("kitchen/models.py", "class StockLevel(")
    # auto-created many-to-many tables point at their field, also when an abstract base declares it
    assert positions["kitchen_tag_related"] == line_of(
        "kitchen/models.py", "related = models.ManyToManyField"
    )
    assert positions["kitchen_product_tags"] == line_of("kitchen/models.py", "tags = models.ManyToManyField")
    # models outside the project are placed relative to their import root, the same on every machine
    assert positions["auth_user"].startswith("django/contrib/auth/models.py:")
    created = re.findall(r'^CREATE TABLE "([^"]+)"', mysite_sqlite, re.M)
    assert list(positions) == created  # one line per table, in output order


def test_output_is_deterministic(mysite_sqlite: str) -> None:
    for seed in ("1", "2"):
        again = schema(MYSITE, "--dialect", "sqlite", POLLS_FORBID_RUNPYTHON="1", PYTHONHASHSEED=seed)
        assert again == mysite_sqlite


def test_standalone_entry_point_prints_the_same(mysite_sqlite: str, tmp_path: Path) -> None:
    from_project = standalone(MYSITE, "--settings", "mysite.settings", "--dialect", "sqlite")
    assert from_project.returncode == 0, from_project.stderr
    assert from_project.stdout == mysite_sqlite
    elsewhere = standalone(
        tmp_path, "--settings", "mysite.settings", "--dialect", "sqlite", "--project-dir", str(MYSITE)
    )
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert elsewhere.stdout == mysite_sqlite


def test_settings_from_the_environment(mysite_sqlite: str) -> None:
    result = standalone(MYSITE, "--dialect", "sqlite", DJANGO_SETTINGS_MODULE="mysite.settings")
    assert result.returncode == 0, result.stderr
    assert result.stdout == mysite_sqlite


def test_apps_subset() -> None:
    output = schema(MYSITE, "--dialect", "sqlite", "--apps", "polls")
    assert re.findall(r'^CREATE TABLE "([^"]+)"', output, re.M) == ["polls_choice", "polls_question"]
    assert re.findall(r"^-- atlas:pos (\S+)\[", output, re.M) == ["polls_choice", "polls_question"]
    assert "polls_question_date_text" in output  # RunSQL of a selected app

    output = schema(MYSITE, "--dialect", "sqlite", "--apps", "blog", "auth", "contenttypes")
    tables = set(re.findall(r'^CREATE TABLE "([^"]+)"', output, re.M))
    assert {"blog_post", "blog_postfeedback", "auth_user", "django_content_type"} <= tables
    assert not {t for t in tables if t.startswith(("polls_", "kitchen_", "shop_", "inventory_"))}


def test_database_alias_applies_its_routers(tmp_path: Path, project_copy) -> None:
    project = project_copy("mysite")
    (project / "mysite" / "routers.py").write_text(
        "class PollsElsewhere:\n"
        "    def allow_migrate(self, db, app_label, **hints):\n"
        "        if app_label == 'polls':\n"
        "            return db == 'polls'\n"
        "        return db == 'default'\n"
    )
    with (project / "mysite" / "settings.py").open("a") as settings:
        settings.write(
            "\nDATABASES['polls'] = {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'unused'}\n"
            "DATABASE_ROUTERS = ['mysite.routers.PollsElsewhere']\n"
        )
    polls_only = schema(project, "--dialect", "sqlite", "--database", "polls")
    assert re.findall(r'^CREATE TABLE "([^"]+)"', polls_only, re.M) == ["polls_choice", "polls_question"]
    default = schema(project, "--dialect", "sqlite")
    assert "polls_" not in default
    assert '"blog_post"' in default


def test_management_command_needs_no_database(tmp_path: Path, project_copy) -> None:
    """The project's own database file is never created or opened."""
    project = project_copy("mysite")
    schema(project, "--dialect", "sqlite")
    assert not list(project.glob("*.sqlite3"))


def test_standalone_needs_no_installed_apps_entry(tmp_path: Path) -> None:
    """The standalone script works on a project that does not list graticule.provider."""
    project = tmp_path / "swapped"
    shutil.copytree(PROJECTS / "swapped", project, ignore=shutil.ignore_patterns("__pycache__"))
    settings = project / "swapped" / "settings.py"
    settings.write_text(settings.read_text().replace('    "graticule.provider",\n', ""))
    result = standalone(project, "--settings", "swapped.settings", "--dialect", "sqlite")
    assert result.returncode == 0, result.stderr
    assert '"accounts_user"' in result.stdout
    assert manage(project, "graticule-schema", "--dialect", "sqlite").returncode != 0
