"""The suite's database servers answer (locally skipped with the reason when down; a failure in CI)."""

from __future__ import annotations


def test_postgres_server_answers(postgres_server: dict) -> None:
    import psycopg

    with psycopg.connect(**postgres_server) as conn:
        assert conn.execute("SHOW server_version").fetchone()[0]


def test_mysql_server_answers(mysql_server: dict) -> None:
    import pymysql

    conn = pymysql.connect(**mysql_server)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT VERSION()")
            assert cur.fetchone()[0]
    finally:
        conn.close()
