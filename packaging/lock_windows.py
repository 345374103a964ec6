"""Write packaging/windows-constraints.txt: the exact version of every package in the Windows
build, so two builds of one release are the same program (docs/install-windows.md).

    python packaging/lock_windows.py

pip resolves for Windows x64 and CPython 3.11 from this machine (any OS): the app's
dependencies, the `build` and `postgres` extras, and the Windows-only packages that pip on
another OS cannot see through environment markers (tests/windows/winebox.py names them).
Run it when a dependency in pyproject.toml changes; tests/unit/test_windows_constraints.py
fails until it has been run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "packaging" / "windows-constraints.txt"
PLATFORM = ["--only-binary=:all:", "--platform", "win_amd64", "--python-version", "3.11",
            "--implementation", "cp", "--abi", "cp311"]
# pip on Linux evaluates environment markers for Linux even for another platform: the
# Windows-only requirements of keyring and PyInstaller are named here.
WINDOWS_ONLY = ["pywin32-ctypes>=0.2", "colorama", "pefile>=2022.5.30,!=2024.8.26"]


def requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    return [*project["dependencies"], *extras["build"], *extras["postgres"], *WINDOWS_ONLY]


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        report = Path(work) / "report.json"
        subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "install",
                        "--dry-run", "--quiet", "--ignore-installed", "--report", str(report),
                        "--target", str(Path(work) / "target"), *PLATFORM, *requirements()],
                       check=True)
        found = json.loads(report.read_text(encoding="utf-8"))["install"]
    pins = sorted((item["metadata"]["name"], item["metadata"]["version"]) for item in found)
    LOCK.write_text(
        "# The Windows build's exact versions (Windows x64, CPython 3.11).\n"
        "# Made by `python packaging/lock_windows.py`; do not edit by hand.\n"
        + "".join(f"{name}=={version}\n" for name, version in
                  sorted(pins, key=lambda pin: pin[0].lower())),
        encoding="utf-8")
    print(f"{LOCK.relative_to(ROOT)}: {len(pins)} packages")


if __name__ == "__main__":
    main()
