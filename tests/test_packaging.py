"""The wheel carries every module of provider/, planner/ and hcl/ under the one `graticule` namespace."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from clitools import REPO

FOLDERS = {"provider": "graticule/provider", "planner": "graticule/planner", "hcl": "graticule/hcl"}


def source_modules() -> set[str]:
    found = set()
    for folder, target in FOLDERS.items():
        for path in (REPO / folder).rglob("*.py"):
            if "__pycache__" not in path.parts:
                found.add(f"{target}/{path.relative_to(REPO / folder).as_posix()}")
    return found


def test_wheel_contains_every_module_and_console_scripts(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("graticule-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = source_modules() - names
    assert not missing, (
        f"not in the wheel (add the package to pyproject's [tool.setuptools] packages): {missing}"
    )
    # Nothing generic at the top level of site-packages: only the graticule namespace and its metadata.
    assert {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")} == {"graticule"}
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "graticule = graticule.planner.cli:main" in text
    assert "graticule-django = graticule.provider.standalone:main" in text
