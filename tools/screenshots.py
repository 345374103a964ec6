"""Screenshots of every main view, on a fresh demo clinic, for docs/screenshots/.

    python tools/screenshots.py                 # views (offscreen) and the tray (Xvfb)
    python tools/screenshots.py --no-tray       # only the views: no X server needed
    python tools/screenshots.py --out /tmp/shots
    python tools/screenshots.py --only plan-templates plan-template-edit   # just these
    python tools/screenshots.py --screen 1366x768 --no-tray   # real windows, as staff see them
    python tools/screenshots.py --screen 1366x768 --no-tray --language de   # ... in German

The views are drawn by Qt's offscreen platform at 1280×820, so no display is needed. With
`--screen WxH` they are real windows instead: the tool starts its own Xvfb of that size with the
openbox window manager (Debian: apt-get install xvfb openbox), the main window opens at the size
the app chooses for that screen, and each picture is the whole screen, frames and all (named
e.g. today-1366x768.png): what is cut off on such a screen is cut off in the picture. The tray
needs a real X server with a notification area: the tool starts Xvfb with `trayer` in it
(Debian: apt-get install xvfb trayer imagemagick), runs the tray notifier there, opens its menu
and takes the picture with ImageMagick's `import`. Every X server is started by the tool on a
display number the server picks itself (-displayfd): a display left over by someone else, or a
stale socket, is never used.

Everything happens in a temp data folder; the clinic's real data and keyring are not touched.
The data: `clinic-desktop demo` (30 patients), one patient with four progress photos, a photo
without a patient in the inbox, and one daily check whose emails went to a local test SMTP
server (aiosmtpd, from the test extras) that refuses one address, so the outbox shows sent,
failed and held emails.
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SIZE = (1280, 820)
PHOTO_PATIENT = "P00031"
REFUSED_ADDRESS = "p00003@example.org"


# --- data ---------------------------------------------------------------------------------


def smile_photo(path: Path, progress: float, seed: int) -> Path:
    """A stand-in for an intra-oral photo: lips and teeth that line up as `progress` grows."""
    import random

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    width, height = 960, 720
    image = Image.new("RGB", (width, height), (222, 178, 152))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # soft light from the top
        shade = int(18 * y / height)
        draw.line([(0, y), (width, y)], fill=(226 - shade, 182 - shade, 156 - shade))
    draw.ellipse((140, 190, 820, 560), fill=(150, 62, 70))  # lips
    draw.ellipse((200, 250, 760, 500), fill=(70, 20, 28))  # mouth
    crooked = 1.0 - progress
    teeth = 8
    tooth_w = 520 // teeth
    for row, (top, bottom) in enumerate(((268, 372), (378, 470))):
        for n in range(teeth):
            x0 = 220 + n * tooth_w
            tilt = rng.uniform(-1, 1) * 26 * crooked
            lift = rng.uniform(-1, 1) * 16 * crooked
            gap = 4 + rng.uniform(0, 10) * crooked
            polygon = [(x0 + gap, top + lift), (x0 + tooth_w - gap, top + lift - tilt / 3),
                       (x0 + tooth_w - gap + tilt / 4, bottom + lift),
                       (x0 + gap + tilt / 4, bottom + lift + tilt / 3)]
            if row == 1:
                polygon = [(x, y - 4) for x, y in polygon]
            draw.polygon(polygon, fill=(246, 244, 236), outline=(206, 200, 190))
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    # A phone's photo is larger: at 960 px the quality gate would hold it as too small.
    image = image.resize((1280, 960), Image.Resampling.LANCZOS)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=88)
    return path


class _RefusingHandler:
    """aiosmtpd handler: accepts every email except those to REFUSED_ADDRESS (550)."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:
        if address.lower() == REFUSED_ADDRESS:
            return "550 5.1.1 <p00003@example.org>: Recipient address rejected: mailbox unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 2.0.0 Ok: queued"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(data_dir: Path, work: Path) -> Any:
    """The demo clinic with photos, an unmatched photo and one daily check's emails."""
    from clinic_desktop import settings
    from clinic_desktop.app import open_app
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.demo import build_demo
    from clinic_desktop.domain.patients import PatientInput, add_patient
    from clinic_desktop.domain.plans import apply_plan, get_template
    from clinic_desktop.photos.importer import PhotoImporter, library_for
    from clinic_desktop.scheduler import claim_daily_check, run_daily_check

    context = open_app(data_dir, None, log_to_file=False)
    today = context.clinic_today()
    with write_session(context.sessions) as session:
        build_demo(session, today)
        patient = add_patient(session, PatientInput(
            PHOTO_PATIENT, "Amelia", "Hart", "amelia.hart@example.org", "+44 7700 900131",
            True, "en", "Dr. Anna Weber"))
        apply_plan(session, patient, get_template(session, "Clear aligners"),
                   today - timedelta(days=56))

    # Each of the first four steps: a progress photo half-way through, then the photo on its
    # due day that completes it (the timeline groups them by step).
    library = library_for(context.sessions, context.paths.data_dir)
    start = today - timedelta(days=56)
    for n in range(1, 5):
        for days_in, name in ((7, "mid"), (14, "front")):
            day = start + timedelta(days=14 * (n - 1) + days_in)
            path = smile_photo(work / "incoming" / f"{PHOTO_PATIENT}_{name}_{n}.jpg",
                               progress=(2 * n - 2 + days_in // 14) / 7, seed=11)
            outcome = PhotoImporter(context.sessions, library, day).import_file(
                path, patient_code=PHOTO_PATIENT, taken=day)
            assert outcome.status == "imported", outcome.line()

    # A photo whose name names nobody waits in the inbox.
    stray = smile_photo(work / "incoming" / "IMG_2041.jpg", progress=0.5, seed=5)
    outcome = PhotoImporter(context.sessions, library, today).import_file(stray)
    assert outcome.status == "unmatched", outcome.line()

    # Today's check, sending to a local test server that refuses one address.
    from aiosmtpd.controller import Controller

    port = _free_port()
    controller = Controller(_RefusingHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with write_session(context.sessions) as session:
            for key, value in {"smtp.host": "127.0.0.1", "smtp.port": str(port),
                               "smtp.security": "none", "smtp.username": "",
                               "smtp.from": "reception@demo-smile.example.org",
                               "smtp.max_attempts": "1", "smtp.rate_per_minute": "600",
                               "send_window.start": "00:00", "send_window.end": "23:59",
                               }.items():
                settings.set_value(session, key, value)
        from clinic_desktop import clock

        claim_daily_check(context, clock.now_utc())
        event = run_daily_check(context, today)
        print(f"daily check: {event.summary}")
    finally:
        controller.stop()
    # What a real clinic's settings look like, for the Settings screenshot.
    from clinic_desktop.db.models import Setting

    with write_session(context.sessions) as session:
        for key in ("smtp.rate_per_minute", "send_window.start", "send_window.end"):
            row = session.get(Setting, key)
            if row is not None:
                session.delete(row)  # back to the default
        # Together: a remote host and starttls are checked as one change.
        settings.set_values(session, {"smtp.host": "smtp.demo-smile.example.org",
                                      "smtp.port": "587", "smtp.security": "starttls",
                                      "smtp.username": "reception@demo-smile.example.org",
                                      "smtp.max_attempts": "8"})
    return context


# --- views (offscreen) --------------------------------------------------------------------


def settle(app: Any, tasks: Any, seconds: float = 20) -> None:
    """Until every background load has arrived and nothing new was started."""
    deadline = time.monotonic() + seconds
    quiet = 0
    while quiet < 3 and time.monotonic() < deadline:
        app.processEvents()
        busy = tasks.pool.activeThreadCount() > 0
        tasks.wait(2000)
        app.processEvents()
        quiet = 0 if busy else quiet + 1
        time.sleep(0.05)


def small_png(path: Path, colours: int = 96) -> None:
    """A palette PNG: a screen of flat UI colours and one photo loses nothing a reader sees,
    at a third of the size (the pictures live in the repository)."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=colours,
                                              method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def save(widget: Any, out: Path, name: str, whole_screen: bool = False) -> Path:
    """The widget as drawn, or with `whole_screen` the screen it is on (frames included)."""
    path = out / f"{name}.png"
    picture = widget.screen().grabWindow(0) if whole_screen else widget.grab()
    if not picture.save(str(path)):
        raise OSError(f"could not write {path}")
    small_png(path)
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return path


def shoot_views(context: Any, out: Path, only: set[str] | None = None, suffix: str = "",
                language: str = "en") -> None:
    """Every view and the main dialogs; with a `suffix` (real windows on an X display) the
    main window keeps the size the app chose for the screen and pictures show the screen.
    The UI speaks `language`, from catalogues compiled as packaging compiles them."""
    from clinic_desktop.ui.inbox import AssignDialog
    from clinic_desktop.ui.main_window import MainWindow
    from clinic_desktop.ui.photos import CompareDialog, library_of
    from clinic_desktop.ui.plans_view import TemplateDialog
    from clinic_desktop.ui.qt import QApplication, QScrollArea, QSettings, QTabWidget
    from clinic_desktop.ui.settings_view import TemplateEditor
    from clinic_desktop.ui.tasks import TaskRunner
    from clinic_desktop.ui.widgets import app_icon
    from clinic_desktop.ui.words import email_status

    app = QApplication.instance() or QApplication(["clinic-desktop"])
    app.setApplicationName("Clinic Desktop")
    app.setOrganizationName("ClinicDesktopScreenshots")
    app.setWindowIcon(app_icon())
    # Remembered sizes go to the temp data folder: every run starts as a first start.
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(context.paths.data_dir / "qt"))
    from clinic_desktop.build import TRANSLATIONS_RELATIVE, compile_translations
    from clinic_desktop.ui.i18n import install

    catalogues = context.paths.data_dir / "translations"
    compile_translations(REPO / TRANSLATIONS_RELATIVE, catalogues)
    if not install(language, catalogues):
        raise RuntimeError(f"no translation for {language}")
    tasks = TaskRunner()
    window = MainWindow(context, tasks)
    if not suffix:
        window.resize(*SIZE)
    window.show()
    settle(app, tasks)

    def shot(widget: Any, name: str) -> None:
        if not only or name in only:
            if suffix:
                time.sleep(0.3)  # the window manager frames and places the window
                app.processEvents()
            save(widget, out, name + suffix, whole_screen=bool(suffix))

    try:
        shot(window, "today")
        for row, name in ((1, "patients"), (2, "photo-inbox"), (3, "outbox"),
                          (4, "plan-templates"), (5, "settings")):
            window.nav.setCurrentRow(row)
            settle(app, tasks)
            if name == "outbox":
                failed = [i for i, r in enumerate(window.outbox.model.rows)
                          if r[4] == email_status("failed")]
                if failed:
                    window.outbox.table.selectRow(failed[0])  # its preview follows
                settle(app, tasks)
            shot(window, name)
            if name == "photo-inbox" and window.inbox.photos:
                assign = AssignDialog(context, tasks, next(iter(window.inbox.photos.values())),
                                      window)
                assign.show()
                settle(app, tasks)
                shot(assign, "assign-photo")
                assign.close()
            if name == "plan-templates":
                dialog = TemplateDialog(context, tasks, window, window.plans.selected(),
                                        editing=True)
                dialog.show()
                settle(app, tasks)
                shot(dialog, "plan-template-edit")
                dialog.close()
        scroll = next(w for w in window.settings.findChildren(QScrollArea))
        scroll.ensureWidgetVisible(window.settings.test_to, 50, 120)
        settle(app, tasks)
        shot(window, "settings-mail-server")
        tabs = next(w for w in window.settings.findChildren(QTabWidget)
                    if w.parent() is window.settings)
        tabs.setCurrentWidget(window.settings.findChild(TemplateEditor))
        settle(app, tasks)
        shot(window, "email-templates")

        window.open_patient(PHOTO_PATIENT)
        settle(app, tasks)
        shot(window, "patient")
        window.patient.tabs.setCurrentWidget(window.patient.photos)
        settle(app, tasks)
        shot(window, "patient-photos")

        photos = window.patient.photos.photos
        dialog = CompareDialog(library_of(context), photos[0], photos[-1], window)
        dialog.show()
        settle(app, tasks)
        shot(dialog, "photo-compare")
        overlay = dialog.findChild(QTabWidget)
        overlay.setCurrentIndex(1)
        dialog.opacity.setValue(50)
        settle(app, tasks)
        shot(dialog, "photo-compare-overlay")
        dialog.close()

        from clinic_desktop.ui.wizard import SetupWizard

        wizard = SetupWizard(context, tasks, window)
        wizard.show()
        wizard.next()  # the mail server page: the longest
        settle(app, tasks)
        shot(wizard, "setup-wizard-mail")
        wizard.close()
    finally:
        tasks.shutdown()
        window.close()


# --- X displays (Xvfb) -------------------------------------------------------------------


def start_display(size: tuple[int, int], started: list[subprocess.Popen[bytes]]) -> str:
    """A new Xvfb of `size`; Xvfb picks a free display number and tells us (-displayfd), so
    a display that exists but cannot be connected to, or a stale socket, is never reused.
    The process is appended to `started` (the caller stops it)."""
    read_end, write_end = os.pipe()
    try:
        started.append(subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0",
             f"{size[0]}x{size[1]}x24", "-nolisten", "tcp"], pass_fds=(write_end,)))
    finally:
        os.close(write_end)
    with os.fdopen(read_end) as answer:
        ready, _, _ = select.select([answer], [], [], 15)
        number = answer.readline().strip() if ready else ""
    if not number.isdigit():
        raise RuntimeError("Xvfb did not start (no display number within 15 s)")
    return f":{number}"


def stop(started: list[subprocess.Popen[bytes]]) -> None:
    for process in reversed(started):
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()


def shoot_real_windows(data_dir: Path, out: Path, size: tuple[int, int],
                       only: list[str] | None, language: str) -> None:
    """The views as real windows on a screen of `size`, with a window manager: runs this
    tool again on a fresh Xvfb + openbox display."""
    missing = [t for t in ("Xvfb", "openbox") if shutil.which(t) is None]
    if missing:
        raise RuntimeError(f"{', '.join(missing)} not installed (Debian: apt-get install "
                           "xvfb openbox)")
    started: list[subprocess.Popen[bytes]] = []
    try:
        display = start_display(size, started)
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        started.append(subprocess.Popen(["openbox"], env=env, stderr=subprocess.DEVNULL))
        time.sleep(1.0)
        command = [sys.executable, __file__, "--views-child", str(data_dir), str(out),
                   f"{size[0]}x{size[1]}", "--language", language]
        if only:
            command += ["--only", *only]
        subprocess.run(command, env=env, check=True, timeout=600)
    finally:
        stop(started)


def views_child(data_dir: Path, out: Path, screen: str, only: set[str], language: str) -> int:
    """Runs on the Xvfb display: real windows, pictures of the whole screen."""
    from clinic_desktop.app import open_app

    context = open_app(data_dir, None, log_to_file=False)
    try:
        shoot_views(context, out, only, suffix=f"-{screen}"
                    + ("" if language == "en" else f"-{language}"), language=language)
    finally:
        context.close()
    return 0


# --- tray (Xvfb) --------------------------------------------------------------------------


def tray_child(data_dir: Path, ready: Path) -> int:
    """Runs on the Xvfb display: the tray icon, then its menu opened under it."""
    from clinic_desktop.app import open_app

    context = open_app(data_dir, None, log_to_file=False)
    from clinic_desktop.scheduler import ClinicScheduler
    from clinic_desktop.ui.qt import QApplication, QPoint, Qt, QTimer, QWidget
    from clinic_desktop.ui.tray import TrayNotifier
    from clinic_desktop.ui.widgets import app_icon

    app = QApplication(["clinic-desktop"])
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)
    scheduler = ClinicScheduler(context)  # not started: the picture needs no jobs
    tray = TrayNotifier(context, scheduler)
    if not TrayNotifier.available():
        print("no system tray on this display", file=sys.stderr)
        return 1
    # A plain desktop behind the panel (Xvfb's root stays black whatever xsetroot says).
    desktop = QWidget()
    desktop.setWindowFlags(Qt.WindowType.FramelessWindowHint
                           | Qt.WindowType.WindowStaysOnBottomHint)
    desktop.setStyleSheet("background: #3b4a56;")
    desktop.setGeometry(app.primaryScreen().geometry())
    desktop.show()
    desktop.lower()
    tray.show()

    def open_menu() -> None:
        geometry = tray.icon.geometry()
        below = QPoint(geometry.left(), geometry.bottom() + 4) if geometry.isValid() \
            else QPoint(700, 40)
        tray.menu.popup(below)
        QTimer.singleShot(800, lambda: ready.write_text(
            f"{geometry.x()} {geometry.y()} {geometry.width()} {geometry.height()}\n"
            f"{tray.menu.geometry().x()} {tray.menu.geometry().y()} "
            f"{tray.menu.geometry().width()} {tray.menu.geometry().height()}\n"))

    QTimer.singleShot(2500, open_menu)
    QTimer.singleShot(60_000, app.quit)
    code = app.exec()
    context.close()
    return code


def _wait_for(check: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def shoot_tray(data_dir: Path, out: Path, work: Path) -> None:
    missing = [t for t in ("Xvfb", "trayer", "import", "convert") if shutil.which(t) is None]
    if missing:
        print(f"tray screenshot skipped: {', '.join(missing)} not installed "
              "(Debian: apt-get install xvfb trayer imagemagick)", file=sys.stderr)
        return
    started: list[subprocess.Popen[bytes]] = []
    try:
        display = start_display((800, 420), started)
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # Qt then docks by XEmbed, which trayer hosts
        # A panel along the top whose notification area sits at the right.
        started.append(subprocess.Popen(
            ["trayer", "--edge", "top", "--align", "right", "--widthtype", "percent",
             "--width", "100",
             "--height", "28", "--heighttype", "pixel", "--SetDockType", "true",
             "--transparent", "false", "--tint", "0xe8e8e8", "--expand", "true",
             "--padding", "6", "--iconspacing", "4"], env=env))
        time.sleep(1.0)
        ready = work / "tray-ready.txt"
        ready.unlink(missing_ok=True)
        child = subprocess.Popen([sys.executable, __file__, "--tray-child", str(data_dir),
                                  str(ready)], env=env)
        started.append(child)
        if not _wait_for(ready.exists, 40):
            raise RuntimeError("the tray notifier did not open its menu in time")
        time.sleep(0.3)
        shot = work / "root.png"
        subprocess.run(["import", "-display", display, "-window", "root", str(shot)],
                       check=True, env=env)
        # The right-hand part of the screen: the panel with the icon and the open menu.
        target = out / "tray.png"
        subprocess.run(["convert", str(shot), "-gravity", "NorthEast", "-crop",
                        "420x170+0+0", "+repage", str(target)], check=True)
        print(f"wrote {target.relative_to(REPO) if target.is_relative_to(REPO) else target}"
              f"  (icon and menu at {ready.read_text().split()})")
    finally:
        stop(started)


# --- main ---------------------------------------------------------------------------------


def _private_keyring() -> None:
    """An in-memory keyring: nothing is read from or written to the machine's own."""
    import keyring
    from keyring.backend import KeyringBackend

    class ScreenshotKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    keyring.set_keyring(ScreenshotKeyring())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--no-tray", action="store_true", help="skip the Xvfb tray picture")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="write only these pictures (names without .png, e.g. tray)")
    parser.add_argument("--language", choices=("en", "de"), default="en",
                        help="the language of the UI in the pictures (names get -de)")
    parser.add_argument("--screen", metavar="WxH",
                        help="draw real windows on a screen of this size, e.g. 1366x768")
    parser.add_argument("--views-child", nargs=3, metavar=("DATA_DIR", "OUT", "SCREEN"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--tray-child", nargs=2, metavar=("DATA_DIR", "READY_FILE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ("CLINIC_DESKTOP_DATA_DIR", "CLINIC_DESKTOP_DB_URL"):
        os.environ.pop(name, None)
    if args.tray_child:
        _private_keyring()
        return tray_child(Path(args.tray_child[0]), Path(args.tray_child[1]))
    if args.views_child:
        _private_keyring()
        data_dir, out, screen = args.views_child
        return views_child(Path(data_dir), Path(out), screen, set(args.only or ()),
                           args.language)
    screen = None
    if args.screen:
        width, _, height = args.screen.partition("x")
        if not (width.isdigit() and height.isdigit()):
            parser.error("--screen takes a size like 1366x768")
        screen = (int(width), int(height))

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _private_keyring()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clinic-screenshots-") as temp:
        work = Path(temp)
        data_dir = work / "data"
        context = prepare(data_dir, work)
        try:
            if screen is None:
                shoot_views(context, args.out, set(args.only or ()),
                            suffix="" if args.language == "en" else f"-{args.language}",
                            language=args.language)
        finally:
            context.close()
        if screen is not None:
            shoot_real_windows(data_dir, args.out, screen, args.only, args.language)
        if not args.no_tray and (not args.only or "tray" in args.only):
            shoot_tray(data_dir, args.out, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
