"""``docker://`` dev databases: a throwaway database server in a container, started with testcontainers.

``docker://postgres/16/dev`` runs image ``postgres:16`` with Atlas's variables (``POSTGRES_PASSWORD=pass``,
``POSTGRES_DB=dev``); ``docker://mysql/8/dev`` and ``docker://mariadb/latest/dev`` run ``mysql:8`` /
``mariadb:latest`` with root password ``pass`` and ``MYSQL_DATABASE=dev``. The container yields an ordinary
server URL, on which the dialect's driver opens its dev database as for any server; the container is stopped
when the dev database is closed (also on error and Ctrl-C).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from .errors import GraticuleError
from .urls import DatabaseURL, redact

PASSWORD = "pass"


@dataclass(frozen=True)
class Image:
    scheme: str
    """The URL scheme of the server URL the container answers on."""
    port: int
    default_database: str
    """Database named when the URL names none (Atlas: ``postgres`` for PostgreSQL, none for MySQL)."""
    user: str


IMAGES = {
    "postgres": Image(scheme="postgres", port=5432, default_database="postgres", user="postgres"),
    "mysql": Image(scheme="mysql", port=3306, default_database="", user="root"),
    "mariadb": Image(scheme="mariadb", port=3306, default_database="", user="root"),
}

SERVER_URL_EXAMPLES = {
    "postgres": "postgres://user:pass@localhost:5432/dev",
    "mysql": "mysql://user:pass@localhost:3306/dev",
    "mariadb": "mariadb://user:pass@localhost:3306/dev",
}


@dataclass(frozen=True)
class DockerSpec:
    """What a ``docker://<image>/<tag>[/<database>]`` URL asks for."""

    image: str
    tag: str
    database: str
    query: dict[str, str] = field(default_factory=dict)
    raw: str = ""

    @property
    def reference(self) -> str:
        return f"{self.image}:{self.tag}"

    def server_url(self, host: str, port: int) -> str:
        """The URL of the started server, for the dialect's driver; the query string (``search_path``,
        ``sslmode``, …) is carried over."""
        image = IMAGES[self.image]
        query = dict(self.query)
        if image.scheme == "postgres":
            query.setdefault("sslmode", "disable")  # the image serves no TLS
        tail = f"?{urlencode(query)}" if query else ""
        return f"{image.scheme}://{image.user}:{PASSWORD}@{host}:{port}/{self.database}{tail}"


def parse_docker_url(url: DatabaseURL) -> DockerSpec:
    """``docker://postgres/16/dev`` → image ``postgres``, tag ``16``, database ``dev``."""
    image = url.host.lower()
    if image not in IMAGES:
        known = ", ".join(sorted(IMAGES))
        raise GraticuleError(f"{url.redacted}: unsupported docker image {image!r} (known: {known})")
    segments = [s for s in url.path.split("/") if s]
    if not segments or len(segments) > 2:
        raise GraticuleError(f"{url.redacted}: expected docker://{image}/<tag>[/<database>]")
    database = segments[1] if len(segments) == 2 else IMAGES[image].default_database
    return DockerSpec(image=image, tag=segments[0], database=database, query=dict(url.query), raw=url.raw)


@contextmanager
def start(url: DatabaseURL) -> Iterator[str]:
    """Start the container a ``docker://`` URL names and yield its server URL; stop it afterwards."""
    spec = parse_docker_url(url)
    try:
        import docker  # noqa: F401  (docker-py and testcontainers come with the "docker" extra)
        import testcontainers  # noqa: F401
    except ImportError as e:
        raise GraticuleError(
            f"{redact(spec.raw)}: docker:// dev databases need the docker extra ({e}): "
            "pip install 'graticule[docker]', or use a server URL such as "
            f"{SERVER_URL_EXAMPLES[spec.image]}"
        ) from e
    _require_engine(spec)
    container = _container(spec)
    try:
        container.start()
    except Exception as e:  # testcontainers and docker-py raise many kinds; each is one user-facing line
        _stop_quietly(container)
        raise GraticuleError(
            f"{redact(spec.raw)}: cannot start container {spec.reference}: {_one_line(e)}"
        ) from e
    try:
        port = int(container.get_exposed_port(IMAGES[spec.image].port))
        yield spec.server_url(container.get_container_host_ip(), port)
    finally:
        _stop_quietly(container)


def _require_engine(spec: DockerSpec) -> None:
    """One clear line when no Docker engine answers, before testcontainers tries (and retries) anything."""
    try:
        import docker

        client = docker.from_env(timeout=10)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as e:  # docker-py: DockerException, requests' ConnectionError, missing socket, …
        raise GraticuleError(
            f"{redact(spec.raw)}: no Docker engine answers ({_one_line(e)}); "
            f"use a server URL such as {SERVER_URL_EXAMPLES[spec.image]}"
        ) from e


def _container(spec: DockerSpec) -> Any:
    """The testcontainers object for the image, configured with Atlas's variables."""
    if spec.image == "postgres":
        try:
            from testcontainers.community.postgres import PostgresContainer
        except ImportError:  # testcontainers before 4.13 kept the modules at the top level
            from testcontainers.postgres import PostgresContainer

        return PostgresContainer(
            spec.reference, username="postgres", password=PASSWORD, dbname=spec.database, driver=None
        )
    try:
        from testcontainers.community.mysql import MySqlContainer
    except ImportError:
        from testcontainers.mysql import MySqlContainer

    # MySqlContainer always creates a database; without one in the URL the server URL still names none.
    return MySqlContainer(spec.reference, username="root", password=PASSWORD, dbname=spec.database or "dev")


def _stop_quietly(container: Any) -> None:
    # A container that never started, or is already gone, has nothing left to stop.
    with contextlib.suppress(Exception):
        container.stop()


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split()) or type(error).__name__
