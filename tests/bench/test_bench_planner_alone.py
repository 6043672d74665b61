"""bench/planner_alone.py: the "one field" change it makes to a desired schema."""

from __future__ import annotations

import sqlite3

import pytest
from planner_alone import ADDED_COLUMN, desired_with_added_column

DESIRED = """\
-- atlas:pos auth_group[type=table] django/contrib/auth/models.py:102
CREATE TABLE "auth_group" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" varchar(150) NOT NULL UNIQUE);
CREATE TABLE "shop_item" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "price" decimal(10, 2) NOT NULL,
    "label" varchar(20) NOT NULL DEFAULT 'a, b', CONSTRAINT "price_nonneg" CHECK ("price" >= 0));
CREATE TABLE "shop_other" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "x" integer NOT NULL);
"""


def columns(sql: str, table: str) -> list[str]:
    conn = sqlite3.connect(":memory:")
    conn.executescript(sql)
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def test_adds_the_column_second_in_the_first_generated_table() -> None:
    changed = desired_with_added_column(DESIRED)
    assert ADDED_COLUMN in changed
    assert columns(changed, "shop_item") == ["id", "bench_note", "price", "label"]
    assert columns(changed, "auth_group") == columns(DESIRED, "auth_group")
    assert columns(changed, "shop_other") == columns(DESIRED, "shop_other")


def test_refuses_a_schema_without_such_a_table() -> None:
    with pytest.raises(ValueError):
        desired_with_added_column('CREATE TABLE "shop_one" ("id" integer);\n')
