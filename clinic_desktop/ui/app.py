"""Start the window app or the tray notifier: one instance per user, clean shutdown."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import signal
import sys
import traceback
from types import TracebackType
from typing import TYPE_CHECKING, Any

import PySide6

from clinic_desktop import settings
from clinic_desktop.errors import ClinicError
from clinic_desktop.scheduler import ClinicScheduler
from clinic_desktop.ui.i18n import chosen_language, install, translate
from clinic_desktop.ui.main_window import MainWindow
from clinic_desktop.ui.qt import (
    QApplication,
    QLocalServer,
    QLocalSocket,
    QMessageBox,
    QObject,
    QTimer,
    Signal,
)
from clinic_desktop.ui.settings_view import minimise_to_tray_setting
from clinic_desktop.ui.tasks import TaskRunner
from clinic_desktop.ui.tray import TrayNotifier
from clinic_desktop.ui.widgets import app_icon
from clinic_desktop.ui.wizard import SetupWizard, needs_setup
from clinic_desktop.ui.words import core_text

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext

log = logging.getLogger(__name__)


class _EventBridge(QObject):
    """Scheduler events arrive on APScheduler's threads; this hands them to the GUI thread."""

    event = Signal(object)


def instance_name(data_dir: Any) -> str:
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
    return f"clinic-desktop-{digest}"


def bring_existing_to_front(name: str) -> bool:
    """True when another instance answered (it shows its window); this one should exit."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(500):
        return False
    socket.write(b"show\n")
    socket.flush()
    socket.waitForBytesWritten(500)
    socket.disconnectFromServer()
    return True


def install_exception_hook(parent_getter: Any) -> None:
    """Log any uncaught error and show one short sentence — never a traceback dialog."""
    def hook(kind: type[BaseException], value: BaseException,
             tb: TracebackType | None) -> None:
        log.error("Uncaught error:\n%s", "".join(traceback.format_exception(kind, value, tb)))

        message = core_text(str(value)) if isinstance(value, ClinicError) else translate(
            "app", "Something went wrong ({kind}). Your data is safe; the details are in the "
            "log file. If it happens again, please tell your IT contact.").format(
                kind=kind.__name__)
        with contextlib.suppress(Exception):  # the hook itself must never raise
            QMessageBox.warning(parent_getter(), "Clinic Desktop", message)

    sys.excepthook = hook


def binding_problem() -> str | None:
    """A sentence when the installed PySide6 would crash the app, else None.

    PySide6 6.12.0 loses a reference to None on every Qt call that returns nothing; on Python
    3.11 the process dies ("deallocating None") after a few thousand such calls, i.e. minutes
    into a working day. Fifty calls show it without harm.
    """
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(50):
        probe.setObjectName("probe")
    if sys.getrefcount(None) > before - 25:
        return None
    return (f"This copy of Clinic Desktop uses PySide6 {PySide6.__version__}, which has a bug "
            "that makes the app close unexpectedly after a few minutes. Install another "
            "version (pip install \"PySide6-Essentials!=6.12.0\") or the clinic's installer.")


def keep_for_good() -> None:
    """Tell Python's garbage collector that what exists once the window is made (modules,
    the database layer, the views) lives as long as the app. Its full collections then skip
    it: they walked all of it each time, for 0.1-0.25 s, on the GUI thread (ui/tasks.py
    collects there), so the window stopped that long."""
    gc.freeze()


def language_setting(context: AppContext) -> str:
    """The ui.language setting, read before the QApplication exists (like the migrations);
    a damaged value means the PC's own language."""
    try:
        with context.sessions() as session:
            return str(settings.get(session, "ui.language"))
    except ClinicError:
        return "system"


def run_gui(context: AppContext, *, tray_only: bool = False, argv: list[str] | None = None) -> int:
    """The database is already open and migrated (before any QApplication, as it must be)."""
    language = language_setting(context)
    qapp = QApplication.instance() or QApplication(argv or sys.argv[:1])
    if not install(chosen_language(language)):
        log.warning("No translation for %s is installed; the app shows English.", language)
    qapp.setApplicationName("Clinic Desktop")
    qapp.setOrganizationName("ClinicDesktop")
    qapp.setWindowIcon(app_icon())
    problem = binding_problem()
    if problem:
        log.error(problem)
        print(problem, file=sys.stderr)
        QMessageBox.critical(None, "Clinic Desktop", problem)
        return 2
    name = instance_name(context.paths.data_dir)
    if bring_existing_to_front(name):
        print("Clinic Desktop is already running; its window was brought to the front.")
        return 0
    server = QLocalServer()
    QLocalServer.removeServer(name)  # a crashed instance may have left its socket behind
    server.listen(name)


    tasks = TaskRunner()
    if not tray_only and needs_setup(context) and SetupWizard(context, tasks).exec() == 0:
        tasks.shutdown()
        return 0  # closed before finishing: nothing was set up, nothing to run yet
    bridge = _EventBridge()
    scheduler = ClinicScheduler(context, on_event=bridge.event.emit)
    window = MainWindow(context, tasks, scheduler)
    keep_for_good()
    install_exception_hook(lambda: window)
    tray = TrayNotifier(context, scheduler, tasks)
    bridge.event.connect(tray.notify)
    bridge.event.connect(window.on_scheduler_event)

    def show_window() -> None:
        window.show()
        window.raise_()
        window.activateWindow()

    def on_connection() -> None:
        connection = server.nextPendingConnection()
        if connection is not None:
            connection.readyRead.connect(show_window)

    server.newConnection.connect(on_connection)
    tray.open_requested.connect(show_window)
    tray.check_requested.connect(window.run_check_now)
    tray.import_requested.connect(lambda: (show_window(), window.nav.setCurrentRow(2),
                                           window.inbox.choose_files()))
    tray.quit_requested.connect(qapp.quit)
    tray.settings_requested.connect(lambda: (show_window(), window.nav.setCurrentRow(5)))

    if TrayNotifier.available():
        tray.show()
        window.minimise_to_tray = minimise_to_tray_setting()
        window.settings.changed.connect(
            lambda: setattr(window, "minimise_to_tray", minimise_to_tray_setting()))
        qapp.setQuitOnLastWindowClosed(False)
    else:
        log.warning("No system tray on this desktop; the notifier runs without an icon.")
        if tray_only:
            print("There is no system tray on this desktop: the notifier keeps running "
                  "without an icon (close this window or press Ctrl+C to stop it).")
    if not tray_only:
        show_window()
    scheduler.start()
    # However the app quits (tray menu, last window, logoff), a running job is told at once
    # to stop at its next safe point; shutdown() below then waits only seconds for it.
    qapp.aboutToQuit.connect(scheduler.stop_jobs)
    # A service manager or logoff asks with SIGTERM: leave the event loop and shut down
    # cleanly (lease released). Python sees signals only between Qt events: tick.
    signal.signal(signal.SIGTERM, lambda *_: (scheduler.stop_jobs(), qapp.quit()))
    ticker = QTimer()
    ticker.start(500)
    ticker.timeout.connect(lambda: None)
    try:
        return qapp.exec()
    finally:
        scheduler.shutdown()
        tasks.shutdown()
        server.close()
        tray.icon.hide()
