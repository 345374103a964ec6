"""The notifier in the notification area: state icon, tooltip, menu, balloons."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from clinic_desktop import clock, settings
from clinic_desktop.health import health
from clinic_desktop.ui.i18n import date_time_text
from clinic_desktop.ui.qt import QMenu, QObject, QSystemTrayIcon, QTimer, Signal
from clinic_desktop.ui.widgets import state_icon
from clinic_desktop.ui.words import core_text

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext

ALL_WELL, SENDING, ATTENTION = "#2e8b57", "#1f6fd1", "#c0392b"


class TrayNotifier(QObject):
    """Keeps a reference to its QSystemTrayIcon (or Qt drops it) and rebuilds its menu each
    time it opens, so the items always say what is true now."""

    open_requested = Signal()
    import_requested = Signal()
    quit_requested = Signal()
    check_requested = Signal()
    settings_requested = Signal()

    def __init__(self, context: AppContext, scheduler: Any, tasks: Any = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.context = context
        self.scheduler = scheduler
        self.tasks = tasks  # a TaskRunner: the database is read in a worker, not here
        self.icon = QSystemTrayIcon(state_icon(ALL_WELL), self)
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self.build_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(self._balloon_clicked)
        self.told_setup = False  # the balloon about mail settings was shown
        self.balloon_opens_settings = False
        self.state = ALL_WELL
        self.tooltip = ""
        self.zone: Any = None  # the PC's own zone until the clinic's has been read
        self.build_menu()
        self._timer = QTimer(self)
        self._timer.setInterval(30_000)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()
        self.refresh()

    def build_menu(self) -> None:
        self.menu.clear()
        self.menu.addAction(self.tr("&Open Clinic Desktop"), self.open_requested.emit)
        self.menu.addAction(self.tr("&Run the daily check now"), self.check_requested.emit)
        pause = self.menu.addMenu(self.tr("&Pause sending until…"))
        if self.scheduler is not None and self.scheduler.paused_until is not None:
            pause.setTitle(self.tr("Sending paused until {when}").format(
                when=date_time_text(self.scheduler.paused_until, self.zone)))
            pause.addAction(self.tr("Resume sending now"), lambda: self.pause(None))
        for label, hours in ((self.tr("in 1 hour"), 1), (self.tr("in 4 hours"), 4),
                             (self.tr("tomorrow"), 24)):
            pause.addAction(label, lambda h=hours: self.pause(h))
        self.menu.addAction(self.tr("&Import photos…"), self.import_requested.emit)
        self.menu.addSeparator()
        self.menu.addAction(self.tr("&Quit"), self.quit_requested.emit)



    def pause(self, hours: int | None) -> None:
        if self.scheduler is not None:
            self.scheduler.pause_sending(None if hours is None else
                                         clock.now_utc() + timedelta(hours=hours))
        self.refresh()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()

    def refresh(self) -> None:
        """Icon colour and tooltip from the database (cheap counts, read in the worker)."""
        def work() -> Any:
            with self.context.sessions() as session:
                return health(session), settings.clinic_zone(session)

        if self.tasks is None:
            self._show(work())
        else:
            self.tasks.op(work).success(self._show).failure(self.show_unreachable).run()

    def _show(self, answer: tuple[Any, Any]) -> None:
        state, self.zone = answer
        self.show_health(state)

    def show_unreachable(self, message: str) -> None:
        """The database did not answer (a server down, a share gone): say so, keep going."""
        self._set_state(ATTENTION)
        self.tooltip = "Clinic Desktop\n" + self.tr("The database cannot be read: {reason}"
                                                    ).format(reason=message)
        self.icon.setToolTip(self.tooltip)

    def _set_state(self, colour: str) -> None:
        if colour != self.state:
            self.state = colour
            self.icon.setIcon(state_icon(colour))

    def show_health(self, state: Any) -> None:
        attention = state.failed or state.needs_attention or state.inbox or state.warnings
        self._set_state(ATTENTION if attention else (SENDING if state.queued else ALL_WELL))
        nxt = self.scheduler.next_daily_run() if self.scheduler is not None else None
        last = state.last_daily
        zone = self.zone
        lines = ["Clinic Desktop",
                 self.tr("Next check: {when}").format(when=date_time_text(nxt, zone))
                 if nxt else "",
                 (self.tr("Last check: {when}, all done") if last.ok else
                  self.tr("Last check: {when}, with a problem")).format(
                     when=date_time_text(last.finished_at, zone))
                 if last and last.finished_at else self.tr("Last check: not yet"),
                 self.tr("Emails waiting {queued} · failed {failed} · held back {held} · "
                         "photos to assign {photos}").format(
                     queued=state.queued, failed=state.failed, held=state.needs_attention,
                     photos=state.inbox),
                 *(core_text(warning) for warning in state.warnings)]
        if self.scheduler is not None and self.scheduler.paused_until is not None:
            lines.append(self.tr("Sending paused until {when}").format(
                when=date_time_text(self.scheduler.paused_until, zone)))
        self.tooltip = "\n".join(line for line in lines if line)
        self.icon.setToolTip(self.tooltip)

    def notify(self, event: Any) -> None:
        """A balloon for what staff should know about: failures and unmatched photos. Mail
        that cannot go out until a setting, the password or a certificate is fixed is said
        once, in words, and a click on the balloon opens Settings; it is said again only
        after sending has worked in between."""
        if event.config_error:
            if not self.told_setup:
                self.told_setup = True
                self.balloon_opens_settings = True
                self.icon.showMessage(
                    "Clinic Desktop", self.tr("Emails cannot be sent until the mail settings "
                                              "are fixed (server, password or certificate). "
                                              "Click here to open Settings."),
                    QSystemTrayIcon.MessageIcon.Warning, 15_000)
        elif event.attention or not event.ok:
            self.balloon_opens_settings = False
            self.icon.showMessage("Clinic Desktop", core_text(event.summary),
                                  QSystemTrayIcon.MessageIcon.Warning, 10_000)
        if event.ok:
            self.told_setup = False
        self.refresh()

    def _balloon_clicked(self) -> None:
        (self.settings_requested if self.balloon_opens_settings else self.open_requested).emit()
