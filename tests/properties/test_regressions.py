"""Failures the property tests found, minimised to plain round trips (A → B applied on a database holding A
must inspect equal to B). Each names the part of graticule it exercised."""

from __future__ import annotations

from graticule.planner.devdb import DevDatabase

from .roundtrip import check_migration

# ---- MySQL/MariaDB planner ---------------------------------------------------------------------------------


def test_mysql_self_reference_added_while_the_primary_key_is_retyped(mysql_dev: DevDatabase) -> None:
    # The server checks a new key against the table as it was before the ALTER TABLE: in the same statement
    # as MODIFY id bigint, a bigint column referencing id (still int) is "incorrectly formed" (errno 150).
    check_migration(
        mysql_dev,
        ["CREATE TABLE t (id int NOT NULL, PRIMARY KEY (id))"],
        [
            "CREATE TABLE t (id bigint NOT NULL, f bigint NOT NULL, PRIMARY KEY (id))",
            "ALTER TABLE t ADD CONSTRAINT t_f_fk FOREIGN KEY (f) REFERENCES t (id)",
        ],
    )


def test_mysql_key_added_by_an_earlier_part_of_a_modification_is_not_unpinned(mysql_dev: DevDatabase) -> None:
    # The diff cuts t1's modification in two (its key to t0 waits for t0's modification); the second part's
    # old table already holds the self-reference the first part added. The planner took that key for a
    # pre-existing one pinning the retyped id, and began the plan by dropping it (it did not exist yet).
    check_migration(
        mysql_dev,
        [
            "CREATE TABLE t0 (id int NOT NULL, c0 int NOT NULL, PRIMARY KEY (id))",
            "CREATE TABLE t1 (id int NOT NULL, PRIMARY KEY (id))",
        ],
        [
            "CREATE TABLE t0 (id int NOT NULL, PRIMARY KEY (id))",
            "CREATE TABLE t1 (id bigint NOT NULL, f0 int NOT NULL, f1 bigint NOT NULL, PRIMARY KEY (id))",
            "ALTER TABLE t1 ADD CONSTRAINT t1_f0_fk FOREIGN KEY (f0) REFERENCES t0 (id)",
            "ALTER TABLE t1 ADD CONSTRAINT t1_f1_fk FOREIGN KEY (f1) REFERENCES t1 (id)",
        ],
    )


def test_mysql_keys_declared_by_a_new_table_are_not_unpinned(mysql_dev: DevDatabase) -> None:
    # t0 and t3 are created in a key cycle: t3 is created with its key to t2, and the key to t0 is added by a
    # modification once t0 exists. t2's id is retyped, so the planner unpins keys on it; it took t3's key for
    # a pre-existing one and began the plan by dropping it from a table that did not exist yet.
    check_migration(
        mysql_dev,
        ["CREATE TABLE t2 (id bigint NOT NULL, PRIMARY KEY (id))"],
        [
            "CREATE TABLE t0 (id int NOT NULL, f0 int NOT NULL, PRIMARY KEY (id))",
            "CREATE TABLE t2 (id int NOT NULL, PRIMARY KEY (id))",
            "CREATE TABLE t3 (id int NOT NULL, f0 int NOT NULL, f1 int NOT NULL, PRIMARY KEY (id))",
            "ALTER TABLE t0 ADD CONSTRAINT t0_f0_fk FOREIGN KEY (f0) REFERENCES t3 (id)",
            "ALTER TABLE t3 ADD CONSTRAINT t3_f0_fk FOREIGN KEY (f0) REFERENCES t0 (id)",
            "ALTER TABLE t3 ADD CONSTRAINT t3_f1_fk FOREIGN KEY (f1) REFERENCES t2 (id)",
        ],
    )
