"""The main window: a sidebar of views, keyboard shortcuts, remembered geometry."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_desktop import __version__, clock, settings
from clinic_desktop.domain.dashboard import today_overview
from clinic_desktop.health import health
from clinic_desktop.scheduler import claim_daily_check, forecast, run_daily_check
from clinic_desktop.ui.inbox import InboxView
from clinic_desktop.ui.outbox import OutboxView
from clinic_desktop.ui.patient import PatientView
from clinic_desktop.ui.patients import PatientsView
from clinic_desktop.ui.plans_view import PlansView
from clinic_desktop.ui.qt import (
    QT_TRANSLATE_NOOP,
    QAction,
    QApplication,
    QHBoxLayout,
    QKeySequence,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSettings,
    QStackedWidget,
    QTimer,
    QWidget,
    Slot,
)
from clinic_desktop.ui.settings_view import SettingsView
from clinic_desktop.ui.tasks import TaskRunner
from clinic_desktop.ui.today import TodayView
from clinic_desktop.ui.widgets import (
    FileDropTarget,
    app_icon,
    fit_to_screen,
    offer_settings,
    show_error,
)
from clinic_desktop.ui.words import core_text

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext

START_SIZE = (1280, 820)  # on a first start, shrunk to the screen: see fit_to_screen
PAGES = [QT_TRANSLATE_NOOP("MainWindow", "Today"), QT_TRANSLATE_NOOP("MainWindow", "Patients"),
         QT_TRANSLATE_NOOP("MainWindow", "Photo inbox"), QT_TRANSLATE_NOOP("MainWindow", "Outbox"),
         QT_TRANSLATE_NOOP("MainWindow", "Plan templates"),
         QT_TRANSLATE_NOOP("MainWindow", "Settings")]


class MainWindow(FileDropTarget, QMainWindow):
    def __init__(self, context: AppContext, tasks: TaskRunner, scheduler: Any = None):
        super().__init__()
        self.context = context
        self.tasks = tasks
        self.scheduler = scheduler
        self.minimise_to_tray = False
        self.setWindowTitle("Clinic Desktop")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        central = QWidget()
        layout = QHBoxLayout(central)
        self.nav = QListWidget()
        self.nav.addItems([self.tr(page) for page in PAGES])
        self.nav.setAccessibleName(self.tr("Views"))
        self.nav.setFixedWidth(170)
        layout.addWidget(self.nav)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.today = TodayView()
        self.patients = PatientsView(context, tasks)
        self.inbox = InboxView(context, tasks)
        self.outbox = OutboxView(context, tasks)
        self.plans = PlansView(context, tasks)
        self.settings = SettingsView(context, tasks)
        self.patient = PatientView(context, tasks)
        for page in (self.today, self.patients, self.inbox, self.outbox, self.plans,
                     self.settings, self.patient):
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.show_page)

        self.today.open_patient.connect(self.open_patient)
        self.today.open_inbox.connect(lambda: self.nav.setCurrentRow(2))
        self.today.open_outbox.connect(lambda: self.nav.setCurrentRow(3))
        self.today.run_check.connect(self.run_check_now)
        self.today.forecast_wanted.connect(self.run_forecast)
        self.today.add_patient.connect(lambda: (self.nav.setCurrentRow(1),
                                                self.patients.add_patient()))
        self.today.import_patients.connect(lambda: (self.nav.setCurrentRow(1),
                                                    self.patients.import_csv()))
        self.outbox.settings_requested.connect(lambda: self.nav.setCurrentRow(5))
        self.outbox.open_patient.connect(self.open_patient)
        self.patients.open_patient.connect(self.open_patient)
        self.patient.back.connect(lambda: self.nav.setCurrentRow(1))
        for view in (self.patients, self.inbox, self.outbox, self.patient, self.settings):
            view.changed.connect(self.refresh_today)

        for index, name in enumerate(PAGES):
            action = QAction(self.tr(name), self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, i=index: self.nav.setCurrentRow(i))
            self.addAction(action)
        find = QAction(self.tr("Find patient"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.find_patient)
        self.addAction(find)
        menu = self.menuBar().addMenu(self.tr("&Help"))
        about = menu.addAction(self.tr("&About Clinic Desktop"))
        about.triggered.connect(self.about)

        self._timer = QTimer(self)
        self._timer.setInterval(60_000)  # the Today view follows what the notifier does
        self._timer.timeout.connect(self.refresh_today)
        self._timer.start()
        self.restore_layout()
        self.nav.setCurrentRow(0)

    # --- navigation ---------------------------------------------------------------------

    def show_page(self, row: int) -> None:
        if row < 0:
            return
        page = [self.today, self.patients, self.inbox, self.outbox, self.plans,
                self.settings][row]
        self.stack.setCurrentWidget(page)
        if page is self.today:
            self.refresh_today()
        else:
            page.refresh()

    def open_patient(self, code: str) -> None:
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(1)
        self.nav.blockSignals(False)
        self.stack.setCurrentWidget(self.patient)
        self.patient.show_patient(code)

    def find_patient(self) -> None:
        self.nav.setCurrentRow(1)
        self.patients.search.setFocus()
        self.patients.search.selectAll()

    def refresh_today(self) -> None:
        context = self.context

        def work() -> tuple[Any, Any, Any]:
            today = context.clinic_today()
            with context.sessions() as session:
                return (today_overview(session, today), health(session),
                        settings.clinic_zone(session))

        self.tasks.op(work, self).success(lambda result: self.today.show_overview(*result)).run()

    @Slot(object)
    def on_scheduler_event(self, _event: Any) -> None:
        self.refresh_today()

    def run_forecast(self) -> None:
        context, scheduler = self.context, self.scheduler

        def work() -> tuple[Any, Any]:
            with context.sessions() as session:
                zone = settings.clinic_zone(session)
            # A large clinic's week takes a while: it stops when the app quits.
            stop = (lambda: scheduler.stopping) if scheduler is not None else None
            return forecast(context, 7, should_stop=stop), zone

        self.tasks.op(work).success(lambda result: self.today.forecast.show_forecast(*result)) \
            .failure(self.today.forecast.failed).run()

    def run_check_now(self) -> None:
        context, scheduler = self.context, self.scheduler

        def work() -> Any:
            if scheduler is not None:  # through the scheduler: it stops when the app quits
                return scheduler.check_now()
            # Staff asked: run today's check even if it already ran (it is idempotent).
            claim_daily_check(context, clock.now_utc())
            return run_daily_check(context, context.clinic_today())

        def done(event: Any) -> None:
            if event is None:  # the app is quitting
                return
            if event.config_error:
                if offer_settings(self, self.tr("Daily check")):
                    self.nav.setCurrentRow(5)
            else:
                (QMessageBox.information if event.ok else QMessageBox.warning)(
                    self, self.tr("Daily check"), core_text(event.summary))
            self.refresh_today()

        self.tasks.op(work).success(done).failure(
            lambda m: show_error(self, m, self.tr("Daily check"))).run()

    def import_files(self, paths: list[Path]) -> None:
        self.inbox.import_files(paths)

    def about(self) -> None:
        QMessageBox.about(self, self.tr("About Clinic Desktop"),
                          self.tr("Clinic Desktop {version}\n\nTreatment step plans, patient "
                                  "photos and step emails.\n\nData folder: {folder}").format(
                              version=__version__, folder=self.context.paths.data_dir))

    # --- window state -------------------------------------------------------------------

    def restore_layout(self) -> None:
        """The size and place the user left, if it still fits this screen; else a start
        size within the screen's free area (a 1366×768 PC must show the step buttons)."""
        stored = QSettings().value("main/geometry")
        if stored is not None and self.restoreGeometry(stored):
            screen = self.screen()
            if screen is None or screen.availableGeometry().contains(self.geometry()):
                return
        fit_to_screen(self, *START_SIZE)

    def closeEvent(self, event: Any) -> None:
        QSettings().setValue("main/geometry", self.saveGeometry())
        if self.minimise_to_tray:
            event.ignore()
            self.hide()
            return
        event.accept()
        if self.scheduler is not None:  # the app, not a test: closing the window ends it
            QApplication.quit()

