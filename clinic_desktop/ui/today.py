"""The Today view: what needs doing now, each item one click from the patient."""

from __future__ import annotations

from typing import Any

from clinic_desktop.audit import host_name
from clinic_desktop.domain import forecast as forecasting
from clinic_desktop.notify import outbox
from clinic_desktop.ui.i18n import date_text, date_time_text, long_date_text, time_text
from clinic_desktop.ui.qt import (
    QT_TRANSLATE_NOOP,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from clinic_desktop.ui.widgets import heading, hint
from clinic_desktop.ui.words import (
    core_text,
    email_kind,
    email_status,
    photo_result,
    quality_issues,
)

SECTIONS = [
    ("due_today", QT_TRANSLATE_NOOP("TodayView", "Steps due today"),
     QT_TRANSLATE_NOOP("TodayView", "Their 'photo required' email goes out with today's "
                       "check.")),
    ("awaiting_photo", QT_TRANSLATE_NOOP("TodayView", "Waiting for a photo"),
     QT_TRANSLATE_NOOP("TodayView", "Finished steps; the next starts when the photo "
                       "arrives.")),
    ("late", QT_TRANSLATE_NOOP("TodayView", "Late"),
     QT_TRANSLATE_NOOP("TodayView", "Waiting for a photo for {late} days or more.")),
    ("emails_need_attention", QT_TRANSLATE_NOOP("TodayView", "Emails that need attention"),
     QT_TRANSLATE_NOOP("TodayView", "Failed, or held because of a missing address or "
                       "consent.")),
    ("unmatched_photos", QT_TRANSLATE_NOOP("TodayView", "Photos without a patient"),
     QT_TRANSLATE_NOOP("TodayView", "Assign them in the Photo inbox.")),
    ("plans_ending", QT_TRANSLATE_NOOP("TodayView", "Plans ending this week"),
     QT_TRANSLATE_NOOP("TodayView", "The last step ends within 7 days.")),
    ("photos_by_email", QT_TRANSLATE_NOOP("TodayView", "Photos received by email"),
     QT_TRANSLATE_NOOP("TodayView", "Patients' replies of the last 7 days, imported by "
                       "themselves.")),
    ("bouncing_addresses", QT_TRANSLATE_NOOP("TodayView", "Addresses that bounce"),
     QT_TRANSLATE_NOOP("TodayView", "No email goes to them until the address is changed or "
                       "confirmed on the patient's page.")),
    ("held_photos", QT_TRANSLATE_NOOP("TodayView", "Photos held for quality"),
     QT_TRANSLATE_NOOP("TodayView", "Their step waits: accept the photo, or ask the patient "
                       "for a better one, in the patient's photos.")),
]


FIRST_ITEMS = 12  # each list's first rows are shown at once (more than a box has room for)
FILL_ITEMS = 100  # then the others, this many per turn of the event loop


class TodayView(QWidget):
    open_patient = Signal(str)
    open_outbox = Signal()
    open_inbox = Signal()
    run_check = Signal()
    add_patient = Signal()
    import_patients = Signal()
    forecast_wanted = Signal()  # work out the coming days' emails (on a worker thread)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = heading(self.tr("Today"))
        top.addWidget(self.title)
        top.addStretch(1)
        check = QPushButton(self.tr("&Run the daily check now"))
        check.setToolTip(self.tr("Queue and send the emails for finished steps now"))
        check.clicked.connect(self.run_check)
        top.addWidget(check)
        self.forecast_button = QPushButton(self.tr("&Emails of the next 7 days"))
        self.forecast_button.setCheckable(True)
        self.forecast_button.setToolTip(self.tr("Who gets which email in the coming days, "
                                                "why, and when the last one goes out"))
        self.forecast_button.toggled.connect(self._show_forecast_panel)
        top.addWidget(self.forecast_button)
        layout.addLayout(top)
        self.notifier = hint("")
        layout.addWidget(self.notifier)
        self.warning = QLabel("")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("background:#f4c7c3; padding:6px; border-radius:4px;")
        self.warning.hide()
        layout.addWidget(self.warning)
        # A new clinic: what to do first, instead of six empty lists.
        self.start = QGroupBox(self.tr("Getting started"))
        start_layout = QVBoxLayout(self.start)
        start_layout.addWidget(hint(self.tr(
            "No patients yet. Add your patients one by one, or bring your list in from a CSV "
            "file (Excel: Save as CSV). Then open a patient and press Apply plan… to give "
            "them their steps; Today then lists whoever needs something.")))
        start_buttons = QHBoxLayout()
        for text, signal in ((self.tr("&Add a patient…"), self.add_patient),
                             (self.tr("&Import patients from a CSV file…"),
                              self.import_patients)):
            button = QPushButton(text)
            button.clicked.connect(signal)
            start_buttons.addWidget(button)
        start_buttons.addStretch(1)
        start_layout.addLayout(start_buttons)
        self.start.hide()
        layout.addWidget(self.start, 0, Qt.AlignmentFlag.AlignTop)
        self.lists = QWidget()
        grid = QGridLayout(self.lists)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, tuple[QGroupBox, QListWidget, QLabel]] = {}
        self.zone: Any = None  # the clinic's time zone, given with each overview
        for index, (key, title, explanation) in enumerate(SECTIONS):
            box = QGroupBox(self.tr(title))
            inner = QVBoxLayout(box)
            note = hint(self.tr(explanation))
            # Room for two lines in every box, so the lists of a row start level.
            note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            note.setMinimumHeight(2 * note.fontMetrics().lineSpacing())
            items = QListWidget()
            items.setObjectName(key)
            items.setAccessibleName(self.tr(title))
            items.setWordWrap(True)
            # Wrapped rows are measured one by one: a few at a time, not 500 when shown.
            items.setLayoutMode(QListWidget.LayoutMode.Batched)
            items.setBatchSize(FIRST_ITEMS)
            items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            # Activated = double-click (or single click where the desktop says so) or Enter;
            # also listening to itemDoubleClicked opened the patient twice.
            items.itemActivated.connect(lambda item, k=key: self._activated(k, item))
            inner.addWidget(note)
            inner.addWidget(items)
            grid.addWidget(box, index // 3, index % 3)
            self.boxes[key] = (box, items, note)
        layout.addWidget(self.lists, 1)
        # Lists with rows still to add: (key, list, rows, how many are in).
        self._unfilled: list[tuple[str, QListWidget, list[Any], int]] = []
        self._fill_timer = QTimer(self)
        self._fill_timer.setSingleShot(True)
        self._fill_timer.setInterval(0)  # after what is waiting: painting, a key press
        self._fill_timer.timeout.connect(self._fill_more)
        self.forecast = ForecastPanel()
        self.forecast.update_wanted.connect(self.forecast_wanted)
        self.forecast.open_patient.connect(self.open_patient)
        self.forecast.hide()
        layout.addWidget(self.forecast, 1)

    def _show_forecast_panel(self, shown: bool) -> None:
        """The coming days' emails in place of today's lists (both would not fit 768 px)."""
        self.forecast.setVisible(shown)
        self.lists.setVisible(not shown)
        if shown and not self.forecast.has_result:
            self.forecast.update_wanted.emit()

    def row_text(self, key: str, row: Any) -> tuple[str, str]:
        """(the item's text, the patient code it opens or "") in the staff's words."""
        if key == "unmatched_photos":
            # Why a file was refused matters here; "no patient found" says it all.
            refused = row.status == "refused" and row.reason
            detail = photo_result(row.status) + (f": {core_text(row.reason)}" if refused
                                                 else "")
            return f"{row.file_name}\n    {detail}", ""
        if key == "emails_need_attention":
            who = f"{row.patient_code}  {row.patient_name}" if row.patient_code \
                else row.patient_name
            detail = self.tr("{kind} email, {status}").format(
                kind=email_kind(row.kind), status=email_status(row.status))
            if row.reason:
                detail += f": {core_text(row.reason)}"
            return f"{who}\n    {detail}", row.patient_code
        if key == "held_photos":
            detail = self.tr("step {order} “{name}”: {why}").format(
                order=row.step_order, name=row.step_name, why=quality_issues(row.issues))
            return f"{row.patient_code}  {row.patient_name}\n    {detail}", row.patient_code
        if key == "photos_by_email":
            detail = self.tr("%n photo(s) received {when}", "", row.photos).format(
                when=date_time_text(row.received_at, self.zone))
            if row.completed_step:
                detail += self.tr("; the step was completed")
            return f"{row.patient_code}  {row.patient_name}\n    {detail}", row.patient_code
        if key == "bouncing_addresses":
            detail = self.tr("{address} bounced: {reason}").format(address=row.email,
                                                                   reason=row.reason)
            return f"{row.patient_code}  {row.patient_name}\n    {detail}", row.patient_code
        if key == "plans_ending":
            detail = self.tr("last step “{name}” ends {day}").format(
                name=row.step_name, day=date_text(row.due))
        else:
            detail = self.tr("step {order} “{name}”, due {day}").format(
                order=row.step_order, name=row.step_name, day=date_text(row.due))
            if row.days_late:
                detail += self.tr(", %n day(s) late", "", row.days_late)
        return f"{row.patient_code}  {row.patient_name}\n    {detail}", row.patient_code

    def _activated(self, key: str, item: QListWidgetItem) -> None:
        code = item.data(Qt.ItemDataRole.UserRole)
        if key == "unmatched_photos":
            self.open_inbox.emit()
        elif key == "emails_need_attention" and not code:
            self.open_outbox.emit()
        elif code:
            self.open_patient.emit(code)

    def show_overview(self, overview: Any, health: Any, zone: Any) -> None:
        """Each list's first rows at once, the rest a part at a time: a large clinic's
        thousands of rows would stop the window for a moment."""
        self.zone = zone
        self._unfilled.clear()  # an older overview's rows are not wanted any more
        self.title.setText(self.tr("Today, {day}").format(day=long_date_text(overview.today)))
        self.start.setVisible(overview.patients == 0)
        self.lists.setVisible(overview.patients > 0 and not self.forecast_button.isChecked())
        for key, title, explanation in SECTIONS:
            box, items, note = self.boxes[key]
            rows = getattr(overview, key)
            box.setTitle(f"{self.tr(title)} ({len(rows)})")
            note.setText(self.tr(explanation).format(late=overview.late_after_days))
            items.clear()
            self._add_items(key, items, rows[:FIRST_ITEMS])
            if len(rows) > FIRST_ITEMS:
                self._unfilled.append((key, items, rows, FIRST_ITEMS))
            if not rows:
                empty = QListWidgetItem(self.tr("Nothing here today."))
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                items.addItem(empty)
        if self._unfilled:
            self._fill_timer.start()
        self.show_health(health, zone)

    def _add_items(self, key: str, items: QListWidget, rows: list[Any]) -> None:
        for row in rows:
            label, code = self.row_text(key, row)
            item = QListWidgetItem(label)
            item.setToolTip(label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            items.addItem(item)

    def _fill_more(self) -> None:
        """The next FILL_ITEMS rows of the lists still being filled."""
        budget = FILL_ITEMS
        while self._unfilled and budget:
            key, items, rows, done = self._unfilled[0]
            part = rows[done:done + budget]
            self._add_items(key, items, part)
            budget -= len(part)
            if done + len(part) < len(rows):
                self._unfilled[0] = (key, items, rows, done + len(part))
            else:
                self._unfilled.pop(0)
        if self._unfilled:
            self._fill_timer.start()

    def filling(self) -> bool:
        """Some lists have their first rows only, the rest is on its way."""
        return bool(self._unfilled)

    def show_health(self, health: Any, zone: Any) -> None:
        last = health.last_daily
        if last and last.finished_at:
            where = self._pc(last.host.split(":")[0], host_name())
            ran = (self.tr("The last daily check ran {when} on {pc}: all done.") if last.ok
                   else self.tr("The last daily check ran {when} on {pc} and hit a problem "
                                "(see the Outbox).")).format(
                when=date_time_text(last.finished_at, zone), pc=where)
        else:
            ran = self.tr("The daily check has not run yet.")
        if health.sender and not health.sender_stale:
            sender = self.tr("Emails are sent by {pc}, where the notifier runs.").format(
                pc=self._pc(health.sender.split(":")[0], host_name()))
        else:
            sender = self.tr("No PC is sending emails at the moment: start Clinic Desktop "
                             "(or its notifier) on the PC that should send them.")
        self.notifier.setText(f"{sender} {ran}")
        self.warning.setVisible(bool(health.warnings))
        self.warning.setText("\n".join(core_text(warning) for warning in health.warnings))

    def _pc(self, host: str, this_pc: str) -> str:
        if host.lower() == this_pc.lower():
            return self.tr("this PC")
        return self.tr("the PC named “{name}”").format(name=host)


class ForecastPanel(QWidget):
    """The forecast (domain.forecast): each coming day's emails, to whom, why, and when."""

    update_wanted = Signal()
    open_patient = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.has_result = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        note = hint(self.tr("The daily checks of the next 7 days, rehearsed with the clinic's "
                            "own rules: pauses, consent, addresses, reminders, the send window "
                            "and the sending limit. Nothing is sent. Photos that arrive "
                            "meanwhile change it."))
        top.addWidget(note, 1)
        self.update_button = QPushButton(self.tr("&Update"))
        self.update_button.clicked.connect(self.update_wanted)
        top.addWidget(self.update_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self.days = QListWidget()
        self.days.setObjectName("forecast")
        self.days.setAccessibleName(self.tr("Emails of the next 7 days"))
        self.days.setWordWrap(True)
        self.days.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.days.itemActivated.connect(self._activated)
        layout.addWidget(self.days, 1)
        self.update_wanted.connect(self.working)

    def working(self) -> None:
        self.update_button.setEnabled(False)
        self._say(self.tr("Working out the next 7 days…"))

    def failed(self, message: str) -> None:
        self.update_button.setEnabled(True)
        self._say(self.tr("The forecast could not be made: {reason}").format(
            reason=core_text(message)))

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def show_forecast(self, forecast: Any, zone: Any) -> None:
        self.has_result = True
        self.update_button.setEnabled(True)
        self._say(self.tr("No email can go out: {reason}").format(
            reason=core_text(forecast.not_sent)) if forecast.not_sent else "")
        self.days.clear()
        for day in forecast.days:
            header = QListWidgetItem(self.day_text(day, forecast.today, zone))
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.days.addItem(header)
            for email in day.emails:
                label = self.email_text(email, day.day, zone)
                item = QListWidgetItem(label)
                item.setToolTip(label)
                item.setData(Qt.ItemDataRole.UserRole, email.patient_code)
                self.days.addItem(item)

    def day_text(self, day: Any, today: Any, zone: Any) -> str:
        when = long_date_text(day.day)
        if day.day == today:
            when = self.tr("Today, {day}").format(day=when)
        elif (day.day - today).days == 1:
            when = self.tr("Tomorrow, {day}").format(day=when)
        if not day.emails:
            return self.tr("{day}: no emails").format(day=when)
        sent = sum(1 for e in day.emails if e.outcome == forecasting.SENT)
        text = self.tr("{day}: %n email(s)", "", len(day.emails)).format(day=when)
        if day.last_send_at is not None:
            text += self.tr(", %n sent, the last at {time}", "", sent).format(
                time=_moment_text(day.last_send_at, day.day, zone))
        held = sum(1 for e in day.emails if e.outcome == forecasting.HELD)
        if held:
            text += self.tr(", %n held back", "", held)
        return text

    def email_text(self, email: Any, day: Any, zone: Any) -> str:
        who = email.doctor_name or f"{email.patient_code}  {email.patient_name}"
        step = {"order": email.step_order, "name": email.step_name}
        if email.kind == outbox.KIND_STEP_FINISHED:
            why = self.tr("step {order} “{name}” ended on {day}").format(
                day=date_text(email.step_ends), **step)
        elif email.kind == outbox.KIND_STEP_STARTED:
            why = self.tr("step {order} “{name}” starts on {day}").format(
                day=date_text(email.step_starts), **step)
        elif email.kind == outbox.KIND_PHOTO_REMINDER:
            why = self.tr("reminder {number} of {most}: step {order} “{name}” ended on "
                          "{day}").format(number=email.reminder_number,
                                          most=email.max_reminders,
                                          day=date_text(email.step_ends), **step)
        elif email.kind == outbox.KIND_DOCTOR_PROGRESS:
            why = self.tr("{patient} completed step {order} “{name}”").format(
                patient=email.patient_code, **step)
        else:
            why = self.tr("yesterday's progress, late and undelivered")
        if email.outcome == forecasting.SENT:
            outcome = self.tr("goes out at {time}").format(
                time=_moment_text(email.sends_at, day, zone))
        elif email.outcome == forecasting.HELD:
            outcome = self.tr("held back: {reason}").format(reason=core_text(email.reason))
        elif email.outcome == forecasting.FAILED:
            outcome = self.tr("failed earlier: {reason}").format(reason=core_text(email.reason))
        else:
            outcome = self.tr("waits in the Outbox")
        return f"    {who}\n        {email_kind(email.kind)}: {why}; {outcome}"

    def _activated(self, item: QListWidgetItem) -> None:
        code = item.data(Qt.ItemDataRole.UserRole)
        if code:
            self.open_patient.emit(code)


def _moment_text(moment: Any, day: Any, zone: Any) -> str:
    """The time, with the date when it is not the forecast day's (a long queue at a low
    sending limit runs into the next days)."""
    if moment.astimezone(zone).date() == day:
        return time_text(moment, zone)
    return date_time_text(moment, zone)
