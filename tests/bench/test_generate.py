"""The synthetic project generator: deterministic for a seed, and a project Django accepts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from generate import check_constraint_keyword, generate_project, main
from model_plan import default_app_count, plan_project


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _manage(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    generate_project(tmp_path / "a", models=10, seed=7)
    generate_project(tmp_path / "b", models=10, seed=7)
    generate_project(tmp_path / "c", models=10, seed=8)
    first, second, other_seed = (_tree(tmp_path / name) for name in "abc")
    assert first == second
    assert first.keys() == other_seed.keys()
    assert first != other_seed


def test_project_layout(tmp_path: Path) -> None:
    plan = generate_project(tmp_path, models=10, apps=3, seed=1)
    assert [len(plan.models_of(app)) for app in plan.apps] == [4, 3, 3]
    for app in plan.apps:
        assert (tmp_path / app / "migrations" / "__init__.py").read_text() == ""
        assert (tmp_path / app / "apps.py").exists()
    settings = (tmp_path / "benchsite" / "settings.py").read_text()
    for app in ["django.contrib.contenttypes", "django.contrib.auth", *plan.apps, "graticule.provider"]:
        assert f'"{app}",' in settings
    hcl = (tmp_path / "atlas.hcl").read_text()
    assert '"python",\n    "manage.py",\n    "graticule-schema",\n    "--dialect", "sqlite",' in hcl
    assert "src = data.external_schema.django.url" in hcl
    assert 'dev = "sqlite://dev?mode=memory"' in hcl
    assert 'dir = "file://migrations"' in hcl


def test_small_project_passes_django_check_and_makemigrations(tmp_path: Path) -> None:
    plan = generate_project(tmp_path, models=10, seed=3)
    check = _manage(tmp_path, "check")
    assert check.returncode == 0, check.stderr
    assert "no issues" in check.stdout
    dry_run = _manage(tmp_path, "makemigrations", "--dry-run")
    assert dry_run.returncode == 0, dry_run.stderr
    assert dry_run.stdout.count("+ Create model ") == len(plan.models)


def test_feature_mix_at_benchmark_size() -> None:
    # The benchmark's claims (cycles, partial indexes, …) hold for the 500-model project it times.
    plan = plan_project(500, seed=0)
    fields = [f for m in plan.models for f in m.fields]
    kinds = {f.kind for f in fields}
    assert {
        "char",
        "text",
        "integer",
        "bigint",
        "decimal",
        "bool",
        "datetime",
        "date",
        "uuid",
        "json",
    } <= kinds
    assert {"fk", "o2o", "m2m"} <= kinds
    args = [a for f in fields for a in f.args]
    assert {"on_delete=models.SET_NULL", "on_delete=models.PROTECT", "on_delete=models.CASCADE"} <= set(args)
    assert any(f.unique for f in fields)
    assert any(f.nullable for f in fields) and "default=0" in args
    assert any(len(i.fields) > 1 for m in plan.models for i in m.indexes)
    assert any(i.condition for m in plan.models for i in m.indexes)
    assert any(u.condition for m in plan.models for u in m.uniques)
    assert any(m.unique_together for m in plan.models) and any(m.checks for m in plan.models)
    assert len(plan.models) == 500 and len(plan.apps) == default_app_count(500) == 20
    # Some cross-app FKs point to a later app: cycles between apps, which split initial migrations.
    position = {app: i for i, app in enumerate(plan.apps)}
    cross_app_targets = [
        (m.app, f.args[0].strip('"').split(".")[0])
        for m in plan.models
        for f in m.fields
        if f.kind == "fk" and "." in f.args[0] and not f.args[0].startswith("settings.")
    ]
    assert any(position[target] > position[source] for source, target in cross_app_targets)


def test_check_constraint_keyword_follows_django_version() -> None:
    assert check_constraint_keyword((5, 1, 0, "final", 0)) == "condition"
    assert check_constraint_keyword((4, 2, 16, "final", 0)) == "check"


def test_cli_refuses_a_non_empty_directory_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("user data")
    assert main([str(tmp_path), "--models", "3"]) == 1
    assert (tmp_path / "keep.txt").exists()
    assert main([str(tmp_path), "--models", "3", "--force"]) == 0
    assert not (tmp_path / "keep.txt").exists()
    assert (tmp_path / "manage.py").exists()


@pytest.mark.parametrize(("models", "apps"), [(0, None), (3, 4), (3, 0)])
def test_impossible_sizes_are_refused(models: int, apps: int | None) -> None:
    with pytest.raises(ValueError):
        plan_project(models, apps)
