"""Generate a synthetic Django project for benchmarks: N models over K apps, deterministic for a seed.

    python bench/generate.py OUTDIR --models N [--apps K] [--seed S] [--force]

The project has manage.py, a settings module (SQLite, contenttypes + auth, the generated apps and
graticule.provider), one package per app with an empty `migrations` package (so `makemigrations` plans
them), and an atlas.hcl in the shape of Atlas's Django guide.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import django
from model_plan import ProjectPlan, default_app_count, plan_project
from project_files import ATLAS_HCL, MANAGE_PY, SETTINGS_PACKAGE, apps_module, settings_module
from render_models import render_models_module


def check_constraint_keyword(django_version: tuple = django.VERSION) -> str:
    """CheckConstraint's keyword: `condition` since Django 5.1; `check` before (removed in 6.0)."""
    return "condition" if django_version >= (5, 1) else "check"


def generate_project(outdir: Path, models: int, apps: int | None = None, seed: int = 0) -> ProjectPlan:
    """Write the project into `outdir`, which must be missing or empty; returns the plan it was built from."""
    if outdir.exists() and any(outdir.iterdir()):
        raise FileExistsError(f"{outdir} is not empty (use --force to replace it)")
    plan = plan_project(models, apps, seed)
    keyword = check_constraint_keyword()
    files = {
        "manage.py": MANAGE_PY,
        "atlas.hcl": ATLAS_HCL,
        f"{SETTINGS_PACKAGE}/__init__.py": "",
        f"{SETTINGS_PACKAGE}/settings.py": settings_module(plan.apps),
    }
    for label in plan.apps:
        files[f"{label}/__init__.py"] = ""
        files[f"{label}/apps.py"] = apps_module(label)
        files[f"{label}/models.py"] = render_models_module(plan.models_of(label), keyword)
        files[f"{label}/migrations/__init__.py"] = ""
    for relative, text in files.items():
        path = outdir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--models", type=int, required=True, help="number of models (N)")
    parser.add_argument("--apps", type=int, help="number of apps (default: max(1, N // 25))")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="replace OUTDIR if it is not empty")
    args = parser.parse_args(argv)
    if args.force and args.outdir.exists():
        shutil.rmtree(args.outdir)
    try:
        plan = generate_project(args.outdir, args.models, args.apps, args.seed)
    except (FileExistsError, ValueError) as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    apps = args.apps or default_app_count(args.models)
    print(f"wrote {len(plan.models)} models in {apps} apps to {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
