"""The PyInstaller build: build it once, then run the frozen program as a clinic PC would.

Slow (about two to four minutes on two cores), so it runs only with CLINIC_DESKTOP_BUILD_TEST=1
(CI sets it) and needs `pip install ".[build]"`. Linux here; the same spec builds on Windows.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from clinic_desktop.build import APP_NAME, SIZE_BUDGET_MB, executable_name

REPO = Path(__file__).resolve().parents[2]
ENABLED = os.environ.get("CLINIC_DESKTOP_BUILD_TEST") == "1"
BUILD_TIMEOUT_S = 420  # the whole module must stay below 8 minutes on 2 cores
RUN_TIMEOUT_S = 60
# The Linux build carries what Windows does not need: Qt's ICU libraries (36 MB; Qt on Windows
# uses the system's ICU), cryptography for the Secret Service keyring (11 MB) and the X11/GLib
# libraries (about 20 MB). The Windows build (about 125 MB, estimated from the Windows wheels)
# is held to SIZE_BUDGET_MB; on Linux this ceiling catches an exclude that stops working.
LINUX_CEILING_MB = 200

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ENABLED, reason="building takes minutes: set "
                       "CLINIC_DESKTOP_BUILD_TEST=1 (CI does) after pip install '.[build]'"),
]


@dataclass(frozen=True)
class Frozen:
    folder: Path
    executable: Path
    output: str
    seconds: float


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Frozen:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail('CLINIC_DESKTOP_BUILD_TEST=1 but PyInstaller is missing: '
                    'pip install ".[build]"')
    base = tmp_path_factory.mktemp("pyinstaller")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "clinic_desktop.build", "--dist", str(base / "dist"),
         "--work", str(base / "work")],
        cwd=REPO, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False)
    seconds = time.monotonic() - started
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    folder = base / "dist" / APP_NAME
    return Frozen(folder, folder / executable_name(), result.stdout, seconds)


@pytest.fixture
def run_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLINIC_DESKTOP_")}
    env.update({
        "HOME": str(tmp_path / "home"),  # never the real user's folders or keyring
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "XDG_DATA_HOME": str(tmp_path / "home" / ".local" / "share"),
        # No system zone files: zoneinfo must find the bundled tzdata, as on Windows.
        "PYTHONTZPATH": "",
        "CLINIC_DESKTOP_USER": "build-test",
        "QT_QPA_PLATFORM": "offscreen",
    })
    return env


def run(frozen: Frozen, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(frozen.executable), *args], capture_output=True, text=True,
                          env=env, timeout=RUN_TIMEOUT_S, check=False)


def test_build_prints_its_size_and_leaves_out_what_the_app_does_not_use(frozen: Frozen) -> None:
    match = re.search(r"Build size: ([\d.]+) MB", frozen.output)
    assert match, frozen.output
    size_mb = float(match.group(1))
    ceiling = SIZE_BUDGET_MB if sys.platform == "win32" else LINUX_CEILING_MB
    assert size_mb < ceiling, frozen.output
    names = {p.relative_to(frozen.folder).as_posix() for p in frozen.folder.rglob("*")}
    text = "\n".join(sorted(names))
    for unwanted in ("Qt6Qml", "Qt6Quick", "WebEngine", "Qt6Pdf", "tkinter", "_tkinter",
                     "libqgtk3", "pytest", "hypothesis", "opengl32sw"):
        assert unwanted not in text, f"{unwanted} is in the build"
    # Of Qt's own translations only its standard buttons and dialogs in the app's languages.
    qt_translations = {Path(n).name for n in names if "/Qt/translations/" in f"/{n}"
                       and n.endswith(".qm")}
    assert qt_translations == {"qtbase_de.qm"}, qt_translations
    locales = {Path(n).stem for n in names if "/babel/locale-data/" in n}
    assert {"root", "en", "de"} <= locales and "fr" not in locales and "ja" not in locales


def test_the_build_holds_templates_migrations_time_zones_keyring_and_qt_plugins(
        frozen: Frozen) -> None:
    inner = frozen.folder / "_internal"
    assert (inner / "clinic_desktop/_data/templates/de/step_finished.txt.j2").is_file()
    assert (inner / "clinic_desktop/_data/resources/icons/clinic-desktop.svg").is_file()
    migrations = inner / "clinic_desktop/db/migrations"
    assert (migrations / "env.py").is_file() and (migrations / "script.py.mako").is_file()
    shipped = {p.name for p in (REPO / "clinic_desktop/db/migrations/versions").glob("*.py")}
    assert shipped <= {p.name for p in (migrations / "versions").glob("*.py")}
    assert (inner / "tzdata/zoneinfo/Europe/Berlin").is_file()
    assert list(inner.glob("keyring-*.dist-info/entry_points.txt")), "keyring backends"
    assert list(inner.glob("clinic_desktop-*.dist-info")), "the version comes from metadata"
    plugins = inner / "PySide6/Qt/plugins"
    if sys.platform != "win32":
        for plugin in ("platforms/libqxcb.so", "platforms/libqoffscreen.so",
                       "imageformats/libqjpeg.so", "iconengines/libqsvgicon.so"):
            assert (plugins / plugin).is_file(), plugin


def test_version_matches_pyproject(frozen: Frozen, run_env: dict[str, str]) -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"]
    result = run(frozen, run_env, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"clinic-desktop {version}"


def test_demo_status_and_dry_run_on_a_fresh_data_folder(frozen: Frozen, run_env: dict[str, str],
                                                         tmp_path: Path) -> None:
    data = str(tmp_path / "Praxis Müller" / "data")  # a space and a non-ASCII letter
    demo = run(frozen, run_env, "demo", "--data-dir", data)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "Demo clinic created" in demo.stdout
    # The migrations ran from the bundled files (Alembic loads them from disk).
    assert (Path(data) / "clinic.sqlite3").is_file()
    status = run(frozen, run_env, "status", "--data-dir", data)
    assert status.returncode == 0, status.stdout + status.stderr
    assert "P00001" in status.stdout and "Today (clinic time zone)" in status.stdout
    notify = run(frozen, run_env, "notify-finished-steps", "--dry-run", "--data-dir", data)
    assert notify.returncode == 0, notify.stdout + notify.stderr
    assert "Dry run: nothing is queued, sent or changed." in notify.stdout
    # Babel's German locale data and the time zone database from tzdata.
    assert run(frozen, run_env, "settings", "set", "clinic.timezone", "Europe/Berlin",
               "--data-dir", data).returncode == 0
    preview = run(frozen, run_env, "templates", "preview", "step_started", "--patient",
                  "P00001", "--lang", "de", "--text-only", "--data-dir", data)
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert re.search(r"\d+\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|"
                     r"Oktober|November|Dezember) \d{4}", preview.stdout), preview.stdout
    check = run(frozen, run_env, "db", "check", "--data-dir", data)
    assert check.returncode == 0 and "Database OK" in check.stdout, check.stdout + check.stderr


def test_photo_import_reads_jpeg_and_heic(frozen: Frozen, run_env: dict[str, str],
                                          tmp_path: Path) -> None:
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    data = str(tmp_path / "data")
    assert run(frozen, run_env, "demo", "--data-dir", data).returncode == 0
    jpeg, heic = tmp_path / "Zähne vorne.jpg", tmp_path / "IMG_0001.heic"
    Image.new("RGB", (640, 480), (200, 120, 90)).save(jpeg, quality=85)
    Image.new("RGB", (320, 240), (20, 160, 90)).save(heic)
    result = run(frozen, run_env, "import-photos", str(jpeg), str(heic), "--patient", "P00003",
                 "--data-dir", data)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 imported" in result.stdout, result.stdout


def test_watched_folder_wakes_on_file_events(frozen: Frozen, run_env: dict[str, str],
                                             tmp_path: Path) -> None:
    """watchdog's observer in the frozen build: with polling set to a minute, the photo is taken
    within seconds only because the file event woke the watcher."""
    if sys.platform == "win32":
        pytest.skip("stopped with SIGINT here")
    from PIL import Image

    data, incoming = str(tmp_path / "data"), tmp_path / "Eingang"
    incoming.mkdir()
    assert run(frozen, run_env, "demo", "--data-dir", data).returncode == 0
    for key, value in (("photos.watch_folders", str(incoming)), ("photos.poll_seconds", "60"),
                       ("photos.stable_seconds", "1")):
        assert run(frozen, run_env, "settings", "set", key, value, "--data-dir",
                   data).returncode == 0
    log = tmp_path / "watch.out"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen([str(frozen.executable), "watch", "--data-dir", data],
                                   env=run_env, stdout=out, stderr=subprocess.STDOUT, text=True)
        try:
            _wait_for(log, "Watching", 30)
            time.sleep(1)
            Image.new("RGB", (320, 240), (90, 60, 30)).save(incoming / "P00003 vorne.jpg")
            _wait_for(log, "P00003", 25)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    text = log.read_text(encoding="utf-8")
    assert "Traceback" not in text, text


def _wait_for(log: Path, needle: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if needle in log.read_text(encoding="utf-8"):
            return
        time.sleep(0.25)
    raise AssertionError(f"{needle!r} did not appear within {seconds} s:\n"
                         + log.read_text(encoding="utf-8"))


def test_window_app_starts_offscreen_and_quits_on_sigterm(frozen: Frozen,
                                                          run_env: dict[str, str],
                                                          tmp_path: Path) -> None:
    """The Qt plugins, the UI modules and the icon load in the frozen build."""
    if sys.platform == "win32":
        pytest.skip("SIGTERM is how Linux asks a program to stop")
    data = str(tmp_path / "data")
    assert run(frozen, run_env, "demo", "--data-dir", data).returncode == 0
    process = subprocess.Popen([str(frozen.executable), "--data-dir", data], env=run_env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(8)
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, out + err
    assert "Traceback" not in err, err
