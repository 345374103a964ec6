"""Build the one-folder program with PyInstaller: `python -m clinic_desktop.build`.

    pip install ".[build]"             (on Windows: pip install ".[build,postgres]")
    python -m clinic_desktop.build     -> dist/clinic-desktop/clinic-desktop(.exe), size printed

    python -m clinic_desktop.build --translations   -> build/translations/*.qm, for a checkout

Runs PyInstaller on packaging/clinic-desktop.spec in a child process, then prints where the
program is, how big the folder is (the aim is below SIZE_BUDGET_MB) and, for Windows, the Inno
Setup command that turns the folder into the installer. Needs a source checkout (the spec,
templates and migrations come from it); imports neither PyInstaller nor Qt itself.

The app's words are translated in resources/translations/*.ts (made by pyside6-lupdate); the
compiled .qm catalogues are made at package time by Qt's lrelease, which the PySide6-Essentials
wheel ships: for the wheel by TranslationsBuildHook below (a hatchling build hook, see
pyproject.toml), for the one-folder program by the spec. In a source checkout,
`--translations` puts them where the app looks there (build/translations/).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

try:  # present while hatchling builds the wheel, not needed otherwise
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:
    BuildHookInterface = object

APP_NAME = "clinic-desktop"  # the spec's EXE and COLLECT name: dist/clinic-desktop/
SPEC_RELATIVE = Path("packaging") / "clinic-desktop.spec"
TRANSLATIONS_RELATIVE = Path("resources") / "translations"  # the .ts sources
QM_IN_PACKAGE = "clinic_desktop/_data/translations"  # where the app looks when installed
QM_IN_CHECKOUT = Path("build") / "translations"  # and when run from a source checkout
SIZE_BUDGET_MB = 150
MB = 1024 * 1024


class BuildError(Exception):
    """The build could not run or failed; the message says what to do."""


class BuildResult(NamedTuple):
    # A NamedTuple, not a dataclass: hatchling runs this file as a build hook without
    # registering it as a module, which dataclasses need.
    folder: Path
    executable: Path
    size_bytes: int
    files: int
    seconds: float

    @property
    def size_mb(self) -> float:
        return self.size_bytes / MB


def find_checkout(start: Path | None = None) -> Path:
    """The source checkout holding packaging/clinic-desktop.spec: the one this package was
    installed from in editable mode, else the current folder or one above it."""
    candidates = [Path(__file__).resolve().parent.parent]
    here = (start or Path.cwd()).resolve()
    candidates += [here, *here.parents]
    for folder in candidates:
        if (folder / SPEC_RELATIVE).is_file() and (folder / "pyproject.toml").is_file():
            return folder
    raise BuildError(f"No {SPEC_RELATIVE.as_posix()} found: run this from the Clinic Desktop "
                     "source folder (the one with pyproject.toml).")


def project_version(checkout: Path) -> str:
    data = tomllib.loads((checkout / "pyproject.toml").read_text(encoding="utf-8"))
    return str(data["project"]["version"])


def executable_name(platform: str = sys.platform) -> str:
    return f"{APP_NAME}.exe" if platform == "win32" else APP_NAME


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) of everything under folder; symbolic links are not followed."""
    total = files = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root, name)
            if not path.is_symlink():
                total += path.stat().st_size
                files += 1
    return total, files


def largest_parts(folder: Path, count: int = 8) -> list[tuple[str, int]]:
    """The biggest entries of the program's _internal/ folder (where to look when it grows)."""
    inner = folder / "_internal"
    if not inner.is_dir():
        return []
    sizes = []
    for entry in inner.iterdir():
        if entry.is_symlink():
            continue
        size = folder_size(entry)[0] if entry.is_dir() else entry.stat().st_size
        sizes.append((entry.name, size))
    return sorted(sizes, key=lambda item: item[1], reverse=True)[:count]


def lrelease() -> Path:
    """Qt's lrelease as shipped inside the PySide6-Essentials wheel (found without importing
    Qt)."""
    spec = importlib.util.find_spec("PySide6")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        for name in ("lrelease.exe", "lrelease"):
            if (Path(folder) / name).is_file():
                return Path(folder) / name
    raise BuildError("Qt's lrelease was not found: install PySide6-Essentials (it ships "
                     "lrelease) in this Python.")


def compile_translations(source: Path, target: Path) -> list[Path]:
    """Each resources/translations/<name>.ts compiled to <target>/<name>.qm."""
    target.mkdir(parents=True, exist_ok=True)
    made = []
    for ts in sorted(source.glob("*.ts")):
        qm = target / f"{ts.stem}.qm"
        result = subprocess.run([str(lrelease()), "-silent", str(ts), "-qm", str(qm)],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0 or not qm.is_file():
            raise BuildError(f"lrelease could not compile {ts.name}: "
                             f"{(result.stderr or result.stdout).strip()}")
        made.append(qm)
    if not made:
        raise BuildError(f"No translations (*.ts) in {source}.")
    return made


class TranslationsBuildHook(BuildHookInterface):  # type: ignore[misc,valid-type]
    """hatchling: compile the .ts files and put the .qm catalogues in the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="clinic-desktop-qm-"))
        compile_translations(Path(self.root) / TRANSLATIONS_RELATIVE, self._folder)
        build_data["force_include"][str(self._folder)] = QM_IN_PACKAGE

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)


def pyinstaller_command(spec: Path, dist: Path, work: Path, *, clean: bool = False) -> list[str]:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work)]
    if clean:
        command.append("--clean")
    return [*command, str(spec)]


def iscc_command(version: str) -> str:
    return f'"%ProgramFiles(x86)%\\Inno Setup 6\\ISCC.exe" /DAppVersion={version} installer.iss'


def build(dist: Path | None = None, work: Path | None = None, *, clean: bool = False,
          checkout: Path | None = None) -> BuildResult:
    """Run PyInstaller; the program lands in <dist>/clinic-desktop/."""
    if importlib.util.find_spec("PyInstaller") is None:
        raise BuildError('PyInstaller is not installed in this Python: pip install ".[build]"')
    root = checkout or find_checkout()
    dist = (dist or root / "dist").resolve()
    work = (work or root / "build" / "pyinstaller").resolve()
    command = pyinstaller_command(root / SPEC_RELATIVE, dist, work, clean=clean)
    started = time.monotonic()
    result = subprocess.run(command, cwd=root, check=False)
    seconds = time.monotonic() - started
    folder = dist / APP_NAME
    executable = folder / executable_name()
    if result.returncode != 0:
        raise BuildError(f"PyInstaller failed (exit code {result.returncode}); its messages "
                         "are above.")
    if not executable.is_file():
        raise BuildError(f"PyInstaller finished but {executable} is missing.")
    size, files = folder_size(folder)
    return BuildResult(folder, executable, size, files, seconds)


def report(result: BuildResult, version: str) -> str:
    lines = [f"Built {result.executable}",
             f"Build size: {result.size_mb:.1f} MB in {result.files} files "
             f"(aim: below {SIZE_BUDGET_MB} MB); build time {result.seconds:.0f} s."]
    if sys.platform != "win32":
        lines.append("The aim is for the Windows build: on Linux the folder also carries Qt's "
                     "ICU libraries, the X11/GLib libraries and cryptography for the Secret "
                     "Service keyring, about 60 MB that Windows does not need.")
    elif result.size_mb >= SIZE_BUDGET_MB:
        lines.append(f"warning: the build is above {SIZE_BUDGET_MB} MB; check the spec's "
                     "excludes.")
    parts = largest_parts(result.folder)
    if parts:
        lines.append("Largest parts: " + ", ".join(f"{name} {size / MB:.1f} MB"
                                                   for name, size in parts))
    lines.append(f"Try it: {result.executable} --version")
    lines.append("Windows installer (Inno Setup 6.3 or newer), from the source folder:")
    lines.append(f"  {iscc_command(version)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clinic_desktop.build",
        description="Build the one-folder Clinic Desktop program with PyInstaller.")
    parser.add_argument("--dist", type=Path, help="output folder (default: dist/ in the "
                        "source folder); the program lands in DIST/clinic-desktop/")
    parser.add_argument("--work", type=Path, help="PyInstaller's work folder (default: "
                        "build/pyinstaller/ in the source folder)")
    parser.add_argument("--clean", action="store_true",
                        help="empty PyInstaller's cache first (slower, for a release build)")
    parser.add_argument("--translations", action="store_true",
                        help="only compile the translations (into build/translations/), "
                        "to run the app from the source folder in another language")
    args = parser.parse_args(argv)
    try:
        checkout = find_checkout()
        if args.translations:
            made = compile_translations(checkout / TRANSLATIONS_RELATIVE,
                                        checkout / QM_IN_CHECKOUT)
            print("\n".join(f"wrote {path}" for path in made))
            return 0
        result = build(args.dist, args.work, clean=args.clean, checkout=checkout)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report(result, project_version(checkout)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
