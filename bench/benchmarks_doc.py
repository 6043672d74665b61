"""The markdown report: one section of docs/benchmarks.md, replaced in place so other sections survive."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from measure import Summary

SECTION_HEADING = "## migrate diff vs makemigrations --dry-run"
NEW_DOCUMENT_TITLE = "# Benchmarks\n"
GOAL_MODELS = 500


@dataclass
class SizeResult:
    models: int
    apps: int
    graticule: Summary | None = None
    makemigrations: Summary | None = None
    error: str | None = None  # why a tool failed on this project; its row then shows what did run


@dataclass(frozen=True)
class RunContext:
    command: str
    date: str
    nproc: int
    python: str
    django: str
    platform: str
    commit: str
    checkout_changes: list[str]
    repeats: int
    seed: int


def render_section(results: list[SizeResult], ctx: RunContext) -> str:
    lines = [
        SECTION_HEADING,
        "",
        "Product goal: `graticule migrate diff` is faster than `python manage.py makemigrations --dry-run` "
        f"on the synthetic {GOAL_MODELS}-model project (ratio below 1). {_goal_status(results)}",
        "",
        "| N models | apps | graticule median s (min) | makemigrations median s (min) "
        "| ratio graticule / makemigrations | graticule peak RSS MiB | makemigrations peak RSS MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [_row(r) for r in results]
    failures = [r for r in results if r.error]
    if failures:
        lines += ["", "Failures:"]
        for r in failures:
            lines += [
                "",
                f"- N = {r.models}:",
                "",
                "  ```",
                *(f"  {line}" for line in r.error.splitlines()),
                "  ```",
            ]
    lines += [
        "",
        "How it was measured:",
        "",
        f"- Projects from `bench/generate.py` (seed {ctx.seed}, one app per 25 models): scalar fields of "
        "every common type with nulls and defaults, FKs within and across apps (some cross-app cycles), "
        "OneToOne, M2M, plain / multi-column / partial indexes, unique fields, `unique_together`, "
        "`UniqueConstraint`, `CheckConstraint`.",
        "- graticule: `graticule migrate diff --env django` in the project (`atlas.hcl` as in Atlas's "
        "Django guide: provider `python manage.py graticule-schema --dialect sqlite`, dev "
        "`sqlite://dev?mode=memory`), against an empty migration directory; the written files are deleted "
        "between repeats. The time includes the provider subprocess.",
        "- makemigrations: `python manage.py makemigrations --dry-run`; every app has an empty `migrations` "
        "package.",
        f"- {ctx.repeats} timed repeats per tool after one untimed warm-up each, the two tools alternating "
        "(the order flips every repeat); wall time, median and min. Peak RSS: the largest resident set of "
        "the command or any process it waited for (`os.wait4` rusage), the maximum over repeats.",
        f"- Machine: {ctx.nproc} CPUs (nproc), Python {ctx.python}, Django {ctx.django}, {ctx.platform}; "
        f"{ctx.date}; commit `{ctx.commit}`.",
        f"- Command: `{ctx.command}`.",
        "",
    ]
    if ctx.checkout_changes:
        changed = ", ".join(f"`{c}`" for c in ctx.checkout_changes)
        lines += [
            f"**Warning:** files of the graticule package changed while this ran: {changed}; these figures "
            "may mix two versions of the code.",
            "",
        ]
    lines.append(
        "These are figures from a single run on a shared, noisy machine: read the ratio between the two "
        "tools (measured side by side in the same run), not the absolute seconds."
    )
    return "\n".join(lines) + "\n"


def _goal_status(results: list[SizeResult]) -> str:
    at_goal = next((r for r in results if r.models == GOAL_MODELS), None)
    if at_goal is None or at_goal.graticule is None or at_goal.makemigrations is None:
        return f"Not measured at {GOAL_MODELS} models in this run."
    ratio = at_goal.graticule.median_s / at_goal.makemigrations.median_s
    verdict = "met" if ratio < 1 else "not met yet"
    return f"In this run: ratio {ratio:.2f} at {GOAL_MODELS} models, goal {verdict}."


def _row(r: SizeResult) -> str:
    ratio = "n/a"
    if r.graticule and r.makemigrations:
        ratio = f"{r.graticule.median_s / r.makemigrations.median_s:.2f}"
    return (
        f"| {r.models} | {r.apps} | {_time(r.graticule)} | {_time(r.makemigrations)} | {ratio} "
        f"| {_rss(r.graticule)} | {_rss(r.makemigrations)} |"
    )


def _time(s: Summary | None) -> str:
    return "failed" if s is None else f"{s.median_s:.2f} ({s.min_s:.2f})"


def _rss(s: Summary | None) -> str:
    return "n/a" if s is None else f"{s.peak_rss_kib / 1024:.0f}"


def replace_section(document: str, heading: str, section: str) -> str:
    """Put `section` (which starts with `heading`) in place of the existing section, or append it.

    A section runs from its heading to the next heading of the same or a higher level, outside code fences.
    """
    level = len(heading) - len(heading.lstrip("#"))
    lines = document.splitlines(keepends=True)
    start = next((i for i, line in _outside_fences(lines) if line.rstrip("\n") == heading), None)
    if start is None:
        base = document if document.strip() else NEW_DOCUMENT_TITLE
        return base.rstrip("\n") + "\n\n" + section
    end = next(
        (
            i
            for i, line in _outside_fences(lines)
            if i > start and _heading_level(line) in range(1, level + 1)
        ),
        len(lines),
    )
    after = "".join(lines[end:])
    return "".join(lines[:start]) + section + ("\n" + after if after else "")


def _outside_fences(lines: list[str]) -> Iterator[tuple[int, str]]:
    in_fence = False
    for i, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield i, line


def _heading_level(line: str) -> int:
    hashes = len(line) - len(line.lstrip("#"))
    return hashes if line[hashes : hashes + 1] == " " else 0
