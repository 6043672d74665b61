"""A generated Django project: many models with cross-app FK cycles, constraints, indexes and M2M tables.

Deterministic for a seed; small enough to also run Django's slow path and `migrate` on it in a test.
"""

from __future__ import annotations

import random
from pathlib import Path

SETTINGS = """\
import os

SECRET_KEY = "graticule-provider-tests"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "graticule.provider", {apps}]
DATABASE = os.environ.get("GRATICULE_TEST_DB", "unused.sqlite3")
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": DATABASE}}}}
"""

MANAGE = """\
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "synth.settings")
from django.core.management import execute_from_command_line

execute_from_command_line(sys.argv)
"""


def write_project(root: Path, apps: int = 4, models_per_app: int = 8, seed: int = 7) -> list[str]:
    """Write the project under `root`; return its app labels."""
    rng = random.Random(seed)
    labels = [f"app{index}" for index in range(apps)]
    names = {label: [f"Thing{index}" for index in range(models_per_app)] for label in labels}
    everything = [(label, name) for label in labels for name in names[label]]
    (root / "synth").mkdir(parents=True)
    (root / "synth" / "__init__.py").write_text("")
    (root / "synth" / "settings.py").write_text(
        SETTINGS.format(apps=", ".join(f'"{label}"' for label in labels))
    )
    (root / "manage.py").write_text(MANAGE)
    for label in labels:
        (root / label).mkdir()
        (root / label / "__init__.py").write_text("")
        (root / label / "models.py").write_text(_models_module(label, names[label], everything, rng))
    return labels


def _models_module(
    label: str, names: list[str], everything: list[tuple[str, str]], rng: random.Random
) -> str:
    lines = ["from django.db import models", "from django.db.models import Q", ""]
    for position, name in enumerate(names):
        lower = name.lower()
        lines += ["", f"class {name}(models.Model):", "    title = models.CharField(max_length=40)"]
        lines.append(f"    rank = models.IntegerField(default={position})")
        lines.append("    note = models.TextField(null=True)")
        targets = rng.sample(everything, 2)
        for number, (target_app, target) in enumerate(targets):
            null = rng.random() < 0.5
            lines.append(
                f"    ref{number} = models.ForeignKey('{target_app}.{target}', on_delete=models.CASCADE, "
                f"null={null}, related_name='+')"
            )
        if rng.random() < 0.3:
            target_app, target = rng.choice(everything)
            lines.append(f"    links = models.ManyToManyField('{target_app}.{target}', related_name='+')")
        lines += ["", "    class Meta:"]
        lines.append(
            "        unique_together = [('title', 'ref0')]" if rng.random() < 0.5 else "        pass"
        )
        if rng.random() < 0.5:
            lines.append(
                f"        indexes = [models.Index(fields=['ref1', '-rank'], name='{label}_{lower}_idx')]"
            )
        if rng.random() < 0.5:
            lines.append(
                f"        constraints = [models.CheckConstraint({_check_keyword()}=Q(rank__gte=0), "
                f"name='{label}_{lower}_rank'), models.UniqueConstraint(fields=['ref1'], "
                f"condition=Q(rank__gt=10), name='{label}_{lower}_uniq')]"
            )
    lines += [
        "",
        f"class Child(models.Model if False else {names[0]}):",
        "    extra = models.IntegerField(null=True)",
    ]
    return "\n".join(lines) + "\n"


def _check_keyword() -> str:
    import django

    return "condition" if django.VERSION >= (5, 1) else "check"
