"""Dev database lifecycle: open the disposable database a URL names, run SQL on it, inspect it, clean it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from . import docker
from .changes import Change
from .diff import diff_schemas
from .drivers import DevConnection, Driver, get_driver
from .errors import ExecutionError, GraticuleError
from .migrate.split import split_statements
from .schema import Schema
from .urls import parse_url


class DevDatabase:
    """A clean database for planning, with the driver that speaks its dialect."""

    def __init__(self, driver: Driver, session: DevConnection) -> None:
        self.driver = driver
        self.session = session

    def run_sql(self, text: str, label: str) -> None:
        """Execute a multi-statement SQL text; a failure names ``label:line`` of the failing statement."""
        for stmt in split_statements(text, self.driver.name):
            self.execute(stmt.text, f"{label}:{stmt.line}")

    def execute(self, sql: str, where: str) -> None:
        try:
            self.session.execute(sql)
        except ExecutionError as e:
            raise GraticuleError(f"{where}: executing statement: {e}") from e

    def inspect(self) -> Schema:
        return self.driver.inspect(self.session.conn, self.session.schema)

    def diff(self, current: Schema, desired: Schema) -> list[Change]:
        """The changes from ``current`` to ``desired``, compared by this dialect's rules."""
        return diff_schemas(
            current, desired, self.driver.normalizer, lazy_fk_targets=self.driver.lazy_fk_targets
        )

    def reset(self) -> None:
        self.session.reset()


@contextmanager
def open_dev(url: str) -> Iterator[DevDatabase]:
    """Open the dev database; it is closed (a scratch database dropped, a container stopped) on exit, error or
    Ctrl-C."""
    parsed = parse_url(url)
    with ExitStack() as cleanup:
        if parsed.dialect == "docker":
            parsed = parse_url(cleanup.enter_context(docker.start(parsed)))
        driver = get_driver(parsed.dialect)
        session = driver.open_dev(parsed)
        cleanup.callback(session.close)
        yield DevDatabase(driver, session)
