"""Progress reporting for long work such as replaying a migration directory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from .workflow import ProgressCallback


@contextmanager
def terminal_progress(title: str) -> Iterator[ProgressCallback]:
    """A transient bar on stderr, started by the first update and always stopped on exit (errors included)."""
    progress: Progress | None = None
    task: TaskID | None = None

    def update(done: int, total: int, item: str) -> None:
        nonlocal progress, task
        if progress is None or task is None:
            progress = _bar()
            progress.start()
            task = progress.add_task(title, total=total, item=item)
        progress.update(task, completed=done, item=item)

    try:
        yield update
    finally:
        if progress is not None:
            progress.stop()


def _bar() -> Progress:
    # rich takes some 50 ms to import: only a command that draws a bar pays for it.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[item]}"),
        console=Console(stderr=True),
        transient=True,
    )


@contextmanager
def plain_progress(announce: Callable[[str], None], title: str, threshold: int) -> Iterator[ProgressCallback]:
    """Off a terminal: one plain line when the work is long (``threshold`` items or more), else nothing."""

    def update(done: int, total: int, item: str) -> None:
        if done == 1 and total >= threshold:
            announce(f"{title}: {total} files")

    yield update
