"""`make bench` (lint part): precision and recall of `migrate lint` against squawk on the PostgreSQL corpus.

    python bench/lint_squawk.py [--dev-url postgres://...] [--doc docs/benchmarks.md] [--squawk PATH]

The labelled corpus (tests/lint/corpus/postgresql.toml) holds hazardous migrations and their safe
counterparts, each file labelled with the codes it must fire. Every file goes through both linters:

- graticule: `lint_files` on a PostgreSQL dev database (the case's base replayed first), as `migrate lint`
  does;
- squawk (squawk-cli, a static PostgreSQL migration linter), installed into a venv of its own,
  bench/out/squawk-venv, on first use: `squawk --reporter json --pg-version <server major>
  [--assume-in-transaction] file.sql` (the flag unless the file says `-- atlas:txmode none`, since such files
  run in a transaction).

squawk's rules are mapped to our codes (RULE_CODES); its style rules (prefer-*, timeouts, robust statements)
have no code and are listed apart. A (file, code) pair is a true positive when the tool reports the code and
the label has it, a false positive when only the tool does, a false negative when only the label does. The
table goes to the `## migrate lint vs squawk (PostgreSQL corpus)` section of --doc (other sections are kept).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks_doc import replace_section

from graticule.planner.devdb import open_dev
from graticule.planner.lint.runner import lint_files, server_flavour

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "lint" / "corpus" / "postgresql.toml"
SECTION_HEADING = "## migrate lint vs squawk (PostgreSQL corpus)"
SQUAWK_REQUIREMENT = "squawk-cli==2.70.0"

# squawk rule → the codes it speaks for. A rule naming several codes counts for the one the label has (else
# the first): constraint-missing-not-valid covers both CHECK (PG305) and FOREIGN KEY (PG306).
RULE_CODES: dict[str, tuple[str, ...]] = {
    "require-concurrent-index-creation": ("PG101",),
    "disallowed-unique-constraint": ("PG101",),
    "require-concurrent-index-deletion": ("PG102",),
    "ban-concurrent-index-creation-in-transaction": ("PG103",),
    "changing-column-type": ("PG301",),
    "adding-field-with-default": ("PG302",),
    "adding-not-nullable-field": ("PG303",),
    "adding-serial-primary-key-field": ("PG304",),
    "constraint-missing-not-valid": ("PG305", "PG306"),
    "adding-foreign-key-constraint": ("PG306",),
    "ban-drop-database": ("DS101",),
    "ban-drop-schema": ("DS101",),
    "ban-drop-table": ("DS102",),
    "ban-drop-column": ("DS103",),
    "adding-required-field": ("MF103",),
    "renaming-table": ("BC101",),
    "renaming-column": ("BC102",),
    "ban-drop-constraint": ("CD101",),
}


NOTES = """\
- Corpus: `tests/lint/corpus/postgresql.toml` (the cases `tests/lint/test_corpus.py` runs), without the
  naming cases (a team policy, off by default; squawk has no equivalent). A hazard file is labelled with every
  code it must fire, a safe file with the codes it rightly still fires (`safe_allows`, e.g. MF101 for a
  unique index built CONCURRENTLY). The PG301/PG302 labels are checked against PostgreSQL itself (the table's
  relfilenode changes on every hazard and on no safe form).
- graticule: `lint_files` on a {server} dev database (a scratch database, reset between files, the case's
  base replayed first), default policy; the codes of all its diagnostics.
- squawk: {squawk_version} (`pip install {requirement}` into bench/out/squawk-venv), `squawk --reporter json
  --pg-version <server major> [--assume-in-transaction] file.sql`, the flag unless the file starts with
  `-- atlas:txmode none`. It reads each file alone (no dev database: it knows neither the base schema nor the
  rows). Its rules map to codes as in the squawk column; `constraint-missing-not-valid` counts for PG305 or
  PG306, whichever the label has. Style rules with no code were left out: {unmapped}.
- Read with care: the corpus was written by the people who wrote graticule's analyzers, and the analyzers were
  corrected against it (that is its job), so graticule's column measures agreement with our labels rather than
  an independent test; squawk had no such chance. The labels follow Atlas's codes and PostgreSQL's behaviour,
  not squawk's intent: squawk's rules are deliberately static and broad (every type change, every dropped
  constraint), and the MF codes are data-dependent checks it does not attempt; the row of codes squawk has a
  rule for is the fairer comparison. squawk 2.70.0 reports `ban-concurrent-index-creation-in-transaction` only
  inside an explicit `BEGIN`, not under `--assume-in-transaction`, hence its PG103 misses.
- Time for the whole corpus, for scale only: graticule {graticule_seconds:.1f} s (dev database replays and
  inspections included), squawk {squawk_seconds:.1f} s (one process per file).
- Machine: {machine}.
- Command: `{command}`.
"""


@dataclass
class File:
    case: str
    kind: str  # "hazard" or "safe"
    sql: str
    base: str
    truth: frozenset[str]
    graticule: frozenset[str] = frozenset()
    squawk: frozenset[str] = frozenset()
    squawk_unmapped: list[str] = field(default_factory=list)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: frozenset[str], truth: frozenset[str], code: str) -> None:
        if code in predicted and code in truth:
            self.tp += 1
        elif code in predicted:
            self.fp += 1
        elif code in truth:
            self.fn += 1

    def __iadd__(self, other: Score) -> Score:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        return self

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    files = load_files(CORPUS)
    squawk = args.squawk or _ensure_squawk_venv(args.squawk_venv)
    squawk_version = subprocess.run([str(squawk), "--version"], capture_output=True, text=True).stdout.strip()

    started = time.perf_counter()
    server = run_graticule(args.dev_url, files)
    graticule_seconds = time.perf_counter() - started
    found = re.search(r"\d+", server or "")
    major = found[0] if found else "15"
    started = time.perf_counter()
    run_squawk(Path(squawk), files, major)
    squawk_seconds = time.perf_counter() - started

    section = render(files, squawk_version, server, graticule_seconds, squawk_seconds, args)
    print(section)
    if args.doc is not None:
        document = args.doc.read_text() if args.doc.exists() else ""
        args.doc.write_text(replace_section(document, SECTION_HEADING, section))
        print(f"wrote {SECTION_HEADING!r} to {args.doc}")
    return 0


def load_files(corpus: Path) -> list[File]:
    """Every hazard and safe file of the corpus, labelled; cases with a naming block are left out (naming is
    a team policy, off by default, and squawk has nothing like it)."""
    files = []
    for case in tomllib.loads(corpus.read_text())["case"]:
        if case.get("naming"):
            continue
        base = case.get("base", "")
        files.append(File(case["id"], "hazard", case["hazard"], base, frozenset(case["codes"])))
        files.append(File(case["id"], "safe", case["safe"], base, frozenset(case.get("safe_allows", ()))))
    return files


def run_graticule(dev_url: str, files: list[File]) -> str | None:
    """Lint each file on the dev database (reset between files, the case's base replayed first)."""
    with open_dev(dev_url) as dev:
        _, version = server_flavour(dev)
        for f in files:
            dev.reset()
            base = [("20240101000000_base.sql", f.base)] if f.base.strip() else []
            report = lint_files(dev, base, [("20240102000000_change.sql", f.sql)])
            errors = [r.error for r in report.files if r.error]
            if errors:
                sys.exit(f"Error: {f.case} ({f.kind}) does not run on the dev database: {errors[0]}")
            f.graticule = frozenset(d.code for d in report.diagnostics)
    return version


def run_squawk(squawk: Path, files: list[File], pg_major: str) -> None:
    with tempfile.TemporaryDirectory(prefix="lint-squawk-") as tmp:
        for f in files:
            path = Path(tmp) / f"{f.case}-{f.kind}.sql"
            path.write_text(f.sql)
            command = [str(squawk), "--reporter", "json", "--pg-version", pg_major]
            if "atlas:txmode none" not in f.sql:
                command.append("--assume-in-transaction")
            done = subprocess.run([*command, str(path)], capture_output=True, text=True)
            if done.returncode not in (0, 1):
                sys.exit(f"Error: squawk failed on {f.case} ({f.kind}): {done.stderr.strip()}")
            predicted: set[str] = set()
            for violation in json.loads(done.stdout or "[]"):
                rule = violation["rule_name"]
                codes = RULE_CODES.get(rule)
                if codes is None:
                    f.squawk_unmapped.append(rule)
                    continue
                matching = [c for c in codes if c in f.truth]
                predicted.update(matching or codes[:1])
            f.squawk = frozenset(predicted)


def _ensure_squawk_venv(venv: Path) -> Path:
    """bench/out/squawk-venv with SQUAWK_REQUIREMENT; (re)installed when the pin changes."""
    squawk = venv / "bin" / "squawk"
    stamp = venv / ".requirements"
    if squawk.exists() and stamp.exists() and stamp.read_text() == SQUAWK_REQUIREMENT:
        return squawk
    print(f"installing {SQUAWK_REQUIREMENT} into {venv}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, SQUAWK_REQUIREMENT], check=True)
    stamp.write_text(SQUAWK_REQUIREMENT)
    return squawk


# ---- the report --------------------------------------------------------------------------------------------


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _counts(score: Score) -> str:
    return f"{score.tp} / {score.fp} / {score.fn}"


def render(
    files: list[File],
    squawk_version: str,
    server: str | None,
    graticule_seconds: float,
    squawk_seconds: float,
    args: argparse.Namespace,
) -> str:
    codes = sorted({c for f in files for c in f.truth | f.graticule | f.squawk})
    rules_for = {code: sorted(r for r, cs in RULE_CODES.items() if code in cs) for code in codes}
    shared = [c for c in codes if rules_for[c]]
    total_g, total_s, shared_g, shared_s = Score(), Score(), Score(), Score()
    rows = []
    for code in codes:
        g, s = Score(), Score()
        for f in files:
            g.add(f.graticule, f.truth, code)
            s.add(f.squawk, f.truth, code)
        total_g += g
        total_s += s
        if code in shared:
            shared_g += g
            shared_s += s
        labelled = sum(1 for f in files if code in f.truth)
        rules = ", ".join(f"`{r}`" for r in rules_for[code]) or "—"
        rows.append(
            f"| {code} | {labelled} | {_counts(g)} | {_ratio(g.precision)} | {_ratio(g.recall)} | {rules} | "
            f"{_counts(s)} | {_ratio(s.precision)} | {_ratio(s.recall)} |"
        )
    cases = len({f.case for f in files})
    unmapped = Counter(r for f in files for r in f.squawk_unmapped)
    misses = [
        f"`{f.case}` ({f.kind}): "
        + ", ".join(
            [f"missed {c}" for c in sorted(f.truth - f.graticule)]
            + [f"extra {c}" for c in sorted(f.graticule - f.truth)]
        )
        for f in files
        if f.graticule != f.truth
    ]
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        SECTION_HEADING,
        "",
        f"Both linters on the PostgreSQL part of the labelled lint corpus: {cases} cases, {len(files)} "
        "files (each case's hazardous migration and its safe counterpart). Per code: true positives / false "
        "positives / false negatives over (file, code) pairs, precision, recall.",
        "",
        "| code | labelled files | graticule TP / FP / FN | precision | recall | squawk rule(s) | "
        "squawk TP / FP / FN | precision | recall |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|",
        *rows,
        f"| **all codes** | | {_counts(total_g)} | {_ratio(total_g.precision)} | "
        f"{_ratio(total_g.recall)} | | {_counts(total_s)} | {_ratio(total_s.precision)} | "
        f"{_ratio(total_s.recall)} |",
        f"| **codes squawk has a rule for** ({len(shared)}) | | {_counts(shared_g)} | "
        f"{_ratio(shared_g.precision)} | {_ratio(shared_g.recall)} | | {_counts(shared_s)} | "
        f"{_ratio(shared_s.precision)} | {_ratio(shared_s.recall)} |",
        "",
        "How it was measured:",
        "",
        NOTES.format(
            server=_short(server),
            squawk_version=squawk_version,
            requirement=SQUAWK_REQUIREMENT,
            unmapped=", ".join(f"`{r}` ({n})" for r, n in sorted(unmapped.items())) or "none fired",
            graticule_seconds=graticule_seconds,
            squawk_seconds=squawk_seconds,
            machine=f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}; {now}",
            command=_command(args),
        ).rstrip("\n"),
    ]
    if misses:
        lines += ["", "Where graticule's output differs from the labels:", ""]
        lines += [f"- {m}" for m in misses]
    return "\n".join(lines) + "\n"


def _short(version: str | None) -> str:
    """``PostgreSQL 15.20 (Debian ...) on x86_64...`` → ``PostgreSQL 15.20``."""
    return " ".join((version or "PostgreSQL ?").split()[:2])


def _command(args: argparse.Namespace) -> str:
    parts = ["python", "bench/lint_squawk.py"]
    if args.doc is not None and args.doc != REPO / "docs" / "benchmarks.md":
        parts += ["--doc", str(args.doc)]
    return shlex.join(parts)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dev-url",
        default=os.environ.get("GRATICULE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL server for graticule's dev database (a scratch database is created and dropped)",
    )
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--no-doc", dest="doc", action="store_const", const=None, help="print only")
    parser.add_argument("--squawk", type=Path, help="an installed squawk binary (skips the bench venv)")
    parser.add_argument("--squawk-venv", type=Path, default=REPO / "bench" / "out" / "squawk-venv")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
