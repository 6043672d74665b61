"""Run one command and measure its wall time and peak resident memory."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_rss_kib: int
    returncode: int
    stdout: str
    stderr: str


def run_measured(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measurement:
    """Run `argv` to completion; wall time from spawn to reap, peak RSS from the child's own rusage.

    `os.wait4` gives the rusage of exactly this child (resource.getrusage(RUSAGE_CHILDREN) would be the
    maximum over every child so far). On Linux its ru_maxrss is the largest resident set of the child *or*
    any descendant it waited for, so for graticule it covers the provider subprocess as well.
    """
    # Output goes to temporary files, not pipes: a child that fills a pipe nobody reads would stall the clock.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: keep Popen from waiting again
        out.seek(0)
        err.seek(0)
        return Measurement(
            seconds=seconds,
            peak_rss_kib=usage.ru_maxrss,  # KiB on Linux
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


@dataclass(frozen=True)
class Summary:
    median_s: float
    min_s: float
    peak_rss_kib: int
    repeats: int


def summarize(measurements: list[Measurement]) -> Summary:
    seconds = [m.seconds for m in measurements]
    return Summary(
        median_s=statistics.median(seconds),
        min_s=min(seconds),
        peak_rss_kib=max(m.peak_rss_kib for m in measurements),
        repeats=len(measurements),
    )


def parse_sizes(text: str) -> list[int]:
    """An argparse type for ``--sizes 50,200,500``: positive integers, comma-separated."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes
