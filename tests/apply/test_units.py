"""Pure pieces of apply: Go durations, Atlas's pending rules, statement hashes, JSON encodings, time text."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graticule.planner.apply.dialects import format_time_text, parse_time_text
from graticule.planner.apply.durations import format_duration, parse_duration
from graticule.planner.apply.pending import HistoryNonLinearError, NotCleanError, pending_files
from graticule.planner.apply.report import go_time, to_json, url_json
from graticule.planner.apply.revisions import (
    TYPE_BASELINE,
    TYPE_EXECUTE,
    TYPE_RESOLVED,
    Revision,
    first_changed_statement,
    statement_hashes,
    type_name,
)
from graticule.planner.errors import GraticuleError
from graticule.planner.migrate.directory import MigrationFile
from graticule.planner.urls import parse_url


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10s", 10), ("0", 0), ("1m30s", 90), ("500ms", 0.5), ("1.5h", 5400), ("250us", 0.00025), ("2µs", 2e-6)],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["10", "ten seconds", "", "5d"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(GraticuleError, match="invalid duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("ns", "text"),
    [
        (0, "0s"),
        (830, "830ns"),
        (1_500, "1.5µs"),
        (12_345_678, "12.345678ms"),
        (1_000_000, "1ms"),
        (1_500_000_000, "1.5s"),
        (123_004_000_000, "2m3.004s"),
        (3_600_000_000_000, "1h0m0s"),
    ],
)
def test_format_duration_is_gos(ns: int, text: str) -> None:
    assert format_duration(ns) == text


def files(*names: str) -> list[MigrationFile]:
    return [MigrationFile(Path("/nonexistent") / n) for n in names]


def rev(version: str, applied: int = 1, total: int = 1, kind: int = TYPE_EXECUTE) -> Revision:
    return Revision(version, applied=applied, total=total, type=kind)


def names(plan_files: list[MigrationFile]) -> list[str]:
    return [f.version for f in plan_files]


def test_pending_first_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graticule.planner.apply.pending.is_checkpoint", lambda f: False)
    all_files = files("1_a.sql", "2_b.sql", "3.sql")
    assert names(pending_files(all_files, []).files) == ["1", "2", "3"]
    with pytest.raises(NotCleanError, match=r'found table "x"\. baseline version or allow-dirty is required'):
        pending_files(all_files, [], dirty_reason='found table "x"')
    assert names(pending_files(all_files, [], dirty_reason="x", allow_dirty=True).files) == ["1", "2", "3"]
    plan = pending_files(all_files, [], dirty_reason="x", baseline="2")
    assert plan.baseline is not None and plan.baseline.version == "2" and names(plan.files) == ["3"]


def test_pending_after_revisions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graticule.planner.apply.pending.is_checkpoint", lambda f: False)
    all_files = files("1.sql", "2.sql", "3.sql", "4.sql")
    assert names(pending_files(all_files, [rev("1"), rev("2")]).files) == ["3", "4"]
    assert names(pending_files(all_files, [rev("1"), rev("2", applied=1, total=3)]).files) == ["2", "3", "4"]
    resolved = rev("2", applied=1, total=3, kind=TYPE_EXECUTE | TYPE_RESOLVED)
    assert names(pending_files(all_files, [rev("1"), resolved]).files) == ["3", "4"]
    # A baseline row counts as applied history; files newer than every revision are all pending.
    assert names(pending_files(all_files, [rev("2", 0, 0, TYPE_BASELINE)]).files) == ["3", "4"]
    assert names(pending_files(files("5.sql"), [rev("2")]).files) == ["5"]
    with pytest.raises(GraticuleError, match=r'revision "9_gone\.sql" is partially applied'):
        pending_files(all_files, [Revision("9", "gone", applied=1, total=2)])


def test_pending_out_of_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graticule.planner.apply.pending.is_checkpoint", lambda f: False)
    all_files = files("1.sql", "2.sql", "3.sql", "4.sql", "5.sql")
    history = [rev("1"), rev("3"), rev("4")]
    with pytest.raises(HistoryNonLinearError) as caught:
        pending_files(all_files, history)
    assert names(caught.value.out_of_order) == ["2"] and names(caught.value.pending) == ["5"]
    assert str(caught.value).startswith("migration file 2.sql was added out of order.")
    assert names(pending_files(all_files, history, exec_order="linear-skip").files) == ["5"]
    assert names(pending_files(all_files, history, exec_order="non-linear").files) == ["2", "5"]
    # Files older than the first revision are history from before graticule: never out of order.
    assert names(pending_files(all_files, [rev("3"), rev("4")]).files) == ["5"]
    two = [rev("1"), rev("4")]
    with pytest.raises(HistoryNonLinearError, match=r"files 2.sql, 3.sql were added out of order"):
        pending_files(all_files, two)


def test_statement_hashes_run_over_the_texts() -> None:
    hashes = statement_hashes(["CREATE TABLE a (id int);", "CREATE TABLE b (id int);"])
    running = hashlib.sha256(b"CREATE TABLE a (id int);")
    assert hashes[0] == base64.b64encode(running.digest()).decode()
    running.update(b"CREATE TABLE b (id int);")
    assert hashes[1] == base64.b64encode(running.digest()).decode()
    row = Revision("1", applied=1, total=2, partial_hashes=["h1:" + hashes[0]])
    assert first_changed_statement(row, hashes) is None
    assert first_changed_statement(row, statement_hashes(["CREATE TABLE z (id int);"])) == 1
    assert first_changed_statement(row, []) == 1


def test_type_names() -> None:
    assert [type_name(t) for t in (1, 2, 4, 6, 3)] == [
        "baseline",
        "applied",
        "manually set",
        "applied + manually set",
        "unknown (0011)",
    ]


def test_url_json_never_carries_the_password() -> None:
    data = json.loads(
        to_json(url_json(parse_url("postgres://alice:s3cret@db.example:5433/app?sslmode=require"), ""))
    )
    assert data["User"] == {} and data["Host"] == "db.example:5433" and data["Path"] == "/app"
    assert data["RawQuery"] == "sslmode=require" and data["Schema"] == ""
    assert "s3cret" not in json.dumps(data) and "alice" not in json.dumps(data)


def test_go_time_and_sqlite_time_text() -> None:
    moment = datetime(2024, 1, 12, 7, 8, 6, 123450, tzinfo=UTC)
    assert go_time(moment) == "2024-01-12T07:08:06.12345Z"
    assert go_time(None) == "0001-01-01T00:00:00Z"
    assert format_time_text(moment) == "2024-01-12 07:08:06.12345+00:00"
    assert parse_time_text("2024-01-12 09:08:06.123450789+02:00") == moment
    assert parse_time_text("2024-01-12T07:08:06Z") == moment.replace(microsecond=0)
    assert parse_time_text("2024-01-12 07:08:06") == moment.replace(microsecond=0)
