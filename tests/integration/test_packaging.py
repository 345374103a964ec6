"""What a clinic installs: templates and icons ship inside the package, not only in the repo."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from clinic_desktop.config import resources_dir, templates_dir

REPO = Path(__file__).resolve().parents[2]


def test_installed_package_finds_its_templates_and_icon() -> None:
    assert (templates_dir() / "en" / "step_finished.txt.j2").is_file()
    assert (resources_dir() / "icons" / "clinic-desktop.svg").is_file()


@pytest.mark.slow
def test_wheel_contains_templates_resources_and_migrations(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                             "-w", str(tmp_path), str(REPO)], capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    [wheel] = tmp_path.glob("clinic_desktop-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "clinic_desktop/_data/templates/en/step_finished.txt.j2" in names
    assert "clinic_desktop/_data/resources/icons/clinic-desktop.svg" in names
    assert "clinic_desktop/db/migrations/env.py" in names
    assert "clinic_desktop/db/migrations/versions/0001_initial_schema.py" in names
    assert "clinic_desktop/db/migrations/script.py.mako" in names
