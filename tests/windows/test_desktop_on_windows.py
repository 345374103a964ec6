"""The desktop side on Windows under Wine: login start in the registry, the shared log file,
the window app and a picture of each view."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from servers import LOG_WRITER  # Windows refused to rename the open log at rollover
from winebox import Result, WindowsPython, WinePrefix, windows_path

RUN_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run"
NOTIFIER = "Clinic Desktop Notifier"
HERE = Path(__file__).resolve().parent
LIBERATION = Path("/usr/share/fonts/truetype/liberation")


def test_start_at_login_writes_and_removes_the_run_value(windows_python: WindowsPython,
                                                         wine_prefix: WinePrefix) -> None:
    data = r"C:\Autostart"
    on = windows_python.app("autostart", "on", "--data-dir", data)
    assert on.code == 0 and "log in to Windows" in on.out, on
    command = wine_prefix.registry_value(RUN_KEY, NOTIFIER)
    assert command is not None, "no Run value"
    assert command.endswith("-m clinic_desktop tray"), command
    assert command.lower().startswith(windows_path(windows_python.home).lower()), command
    status = windows_python.app("autostart", "status", "--data-dir", data)
    assert status.out.strip() == "on", status
    off = windows_python.app("autostart", "off", "--data-dir", data)
    assert off.code == 0, off
    assert wine_prefix.registry_value(RUN_KEY, NOTIFIER) is None


def test_two_processes_share_the_log_and_it_rotates_on_windows(windows_python: WindowsPython,
                                                               wine_prefix: WinePrefix,
                                                               tmp_path: Path) -> None:
    folder = wine_prefix.drive_c / "Protokolle"
    folder.mkdir()
    script = tmp_path / "writer.py"
    script.write_text(LOG_WRITER, encoding="utf-8")
    lines_each = 600
    writers = ["window", "notifier"]
    processes = [wine_prefix.popen(windows_python.exe, windows_path(script), r"C:\Protokolle",
                                   name, str(lines_each)) for name in writers]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0 and not err, (out + err).decode("cp1252", "replace")
    logs = [p for p in folder.glob("clinic-desktop.log*") if not p.name.endswith(".lock")]
    assert len(logs) > 5, "the log should have rotated several times"
    assert all(p.stat().st_size <= 20_000 for p in logs), [p.stat().st_size for p in logs]
    seen = sorted(line.split(" x")[0].split(" ", 1)[1] for p in logs
                  for line in p.read_text(encoding="utf-8").splitlines())
    assert seen == sorted(f"{name} line {n:04d}" for name in writers
                          for n in range(lines_each))


@pytest.fixture(scope="module")
def gui_clinic(windows_python: WindowsPython, wine_prefix: WinePrefix) -> str:
    # Qt's offscreen platform reads fonts from one folder, not from Windows, and draws with
    # the first it finds: give it Liberation Sans (Arial's metrics) alone. Wine passes no QT_*
    # variable from Linux, so they go where Windows keeps a user's variables.
    fonts = wine_prefix.drive_c / "Qt-Fonts"
    fonts.mkdir(exist_ok=True)
    for font in LIBERATION.glob("LiberationSans-*.ttf"):
        shutil.copy2(font, fonts / font.name)
    wine_prefix.set_user_environment("QT_QPA_PLATFORM", "offscreen")
    wine_prefix.set_user_environment("QT_QPA_FONTDIR", r"C:\Qt-Fonts")
    data = r"C:\Praxis Fenster"
    assert windows_python.app("demo", "--data-dir", data).code == 0
    return data


def test_every_view_draws_offscreen(windows_python: WindowsPython, wine_prefix: WinePrefix,
                                    gui_clinic: str, tmp_path: Path) -> None:
    from PIL import Image, ImageStat

    out = tmp_path / "views"
    out.mkdir()
    result = Result.of(windows_python.run(windows_path(HERE / "grab_views.py"), gui_clinic,
                                          windows_path(out), timeout=300))
    assert result.code == 0, result
    names = ["today", "patients", "photo-inbox", "outbox", "plan-templates", "settings",
             "patient"]
    assert [line.split()[1] for line in result.out.splitlines()
            if line.startswith("grabbed")] == names, result
    for name in names:
        with Image.open(out / f"{name}.png") as picture:
            assert picture.size == (1280, 820), name
            # Drawn, not blank: text and tables make many distinct shades.
            grey = picture.convert("L")
            assert ImageStat.Stat(grey).stddev[0] > 10, name
            assert len(grey.getcolors(65536) or []) > 20, name


def test_the_window_app_starts_and_keeps_running(windows_python: WindowsPython,
                                                 wine_prefix: WinePrefix,
                                                 gui_clinic: str) -> None:
    """`clinic-desktop` with no command, as the Start-menu entry runs it."""
    process = wine_prefix.popen(windows_python.exe, "-m", "clinic_desktop", "--data-dir",
                                gui_clinic)
    try:
        time.sleep(15)
        assert process.poll() is None, Result(process.returncode or 0,
                                              *(b.decode("cp1252", "replace")
                                                for b in process.communicate()))
    finally:
        process.kill()
        process.communicate()
    log = (wine_prefix.host_path(gui_clinic) / "logs" / "clinic-desktop.log").read_text(
        encoding="utf-8")
    assert "Traceback" not in log, log[-3000:]
