"""docker:// dev databases: URL parsing and the error without a Docker engine run everywhere; starting a real
container runs only where a Docker engine answers, and is otherwise skipped with the reason."""

from __future__ import annotations

import pytest
from clitools import run_cli

from graticule.planner import docker
from graticule.planner.devdb import open_dev
from graticule.planner.errors import GraticuleError
from graticule.planner.urls import parse_url

NO_ENGINE = "unix:///nonexistent/graticule-test/docker.sock"


@pytest.mark.parametrize(
    ("url", "image", "tag", "database", "server"),
    [
        (
            "docker://postgres/16/dev",
            "postgres",
            "16",
            "dev",
            "postgres://postgres:pass@h:1/dev?sslmode=disable",
        ),
        (
            "docker://postgres/15?search_path=app",
            "postgres",
            "15",
            "postgres",
            "postgres://postgres:pass@h:1/postgres?search_path=app&sslmode=disable",
        ),
        ("docker://mysql/8/dev", "mysql", "8", "dev", "mysql://root:pass@h:1/dev"),
        ("docker://mysql/8.4", "mysql", "8.4", "", "mysql://root:pass@h:1/"),
        ("docker://mariadb/latest/dev", "mariadb", "latest", "dev", "mariadb://root:pass@h:1/dev"),
    ],
)
def test_urls_name_image_tag_and_database(url, image, tag, database, server):
    spec = docker.parse_docker_url(parse_url(url))
    assert (spec.image, spec.tag, spec.database, spec.reference) == (image, tag, database, f"{image}:{tag}")
    assert spec.server_url("h", 1) == server
    # The URL handed to the driver parses as a server URL of the image's dialect.
    assert parse_url(server).dialect == {"postgres": "postgresql"}.get(image, image)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("docker://oracle/23/dev", "unsupported docker image 'oracle' (known: mariadb, mysql, postgres)"),
        ("docker://postgres", "expected docker://postgres/<tag>[/<database>]"),
        ("docker://postgres/16/dev/extra", "expected docker://postgres/<tag>[/<database>]"),
    ],
)
def test_malformed_urls(url, message):
    with pytest.raises(GraticuleError) as e:
        docker.parse_docker_url(parse_url(url))
    assert str(e.value) == f"{url}: {message}"


def test_without_an_engine_one_line_suggests_a_server_url(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", NO_ENGINE)
    with pytest.raises(GraticuleError) as e, open_dev("docker://postgres/16/dev"):
        pass
    message = str(e.value)
    assert message.startswith("docker://postgres/16/dev: no Docker engine answers (")
    assert message.endswith("); use a server URL such as postgres://user:pass@localhost:5432/dev")
    assert "\n" not in message


def test_cli_reports_the_missing_engine_on_one_line(tmp_path):
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (a int);")
    result = run_cli(
        "migrate",
        "diff",
        "--to",
        "file://schema.sql",
        "--dev-url",
        "docker://mysql/8/dev",
        "--dir",
        "file://m",
        cwd=tmp_path,
        env={"DOCKER_HOST": NO_ENGINE},
    )
    assert result.code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: docker://mysql/8/dev: no Docker engine answers (")
    assert line.endswith("use a server URL such as mysql://user:pass@localhost:3306/dev")
    assert not (tmp_path / "m").exists() or not list((tmp_path / "m").glob("*.sql"))


def _engine_answers() -> str | None:
    """None when a Docker engine answers, else why not."""
    try:
        import docker as docker_sdk

        client = docker_sdk.from_env(timeout=5)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as e:
        return " ".join(str(e).split()) or type(e).__name__
    return None


@pytest.mark.skipif(
    (reason := _engine_answers()) is not None, reason=f"no Docker engine on this machine: {reason}"
)
@pytest.mark.parametrize(
    "url", ["docker://postgres/16/dev", "docker://mysql/8/dev", "docker://mariadb/11/dev"]
)
def test_container_end_to_end(url):
    with open_dev(url) as dev:
        dev.run_sql("CREATE TABLE t (id integer NOT NULL PRIMARY KEY);", "schema.sql")
        desired = dev.inspect()
        dev.reset()
        changes = dev.diff(dev.inspect(), desired)
        statements = dev.driver.plan(changes)
        assert [s.comment for s in statements] == ['Create "t" table']


def test_without_the_docker_extra_one_line_names_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "testcontainers", None)  # what an install without the extra sees
    with pytest.raises(GraticuleError) as e, open_dev("docker://postgres/16/dev"):
        pass
    assert str(e.value).startswith(
        "docker://postgres/16/dev: docker:// dev databases need the docker extra ("
    )
    assert "pip install 'graticule[docker]'" in str(e.value)
