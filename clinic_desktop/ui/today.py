"""The Today view: what needs doing now, each item one click from the patient."""

from __future__ import annotations

from typing import Any

from clinic_desktop.ui.i18n import date_text, date_time_text, long_date_text
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
    QVBoxLayout,
    QWidget,
    Signal,
)
from clinic_desktop.ui.widgets import heading, hint
from clinic_desktop.ui.words import core_text, email_kind, email_status, photo_result

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
]


class TodayView(QWidget):
    open_patient = Signal(str)
    open_outbox = Signal()
    open_inbox = Signal()
    run_check = Signal()
    add_patient = Signal()
    import_patients = Signal()

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
            items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            # Activated = double-click (or single click where the desktop says so) or Enter;
            # also listening to itemDoubleClicked opened the patient twice.
            items.itemActivated.connect(lambda item, k=key: self._activated(k, item))
            inner.addWidget(note)
            inner.addWidget(items)
            grid.addWidget(box, index // 3, index % 3)
            self.boxes[key] = (box, items, note)
        layout.addWidget(self.lists, 1)

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
        self.zone = zone
        self.title.setText(self.tr("Today, {day}").format(day=long_date_text(overview.today)))
        self.start.setVisible(overview.patients == 0)
        self.lists.setVisible(overview.patients > 0)
        for key, title, explanation in SECTIONS:
            box, items, note = self.boxes[key]
            rows = getattr(overview, key)
            box.setTitle(f"{self.tr(title)} ({len(rows)})")
            note.setText(self.tr(explanation).format(late=overview.late_after_days))
            items.clear()
            for row in rows:
                label, code = self.row_text(key, row)
                item = QListWidgetItem(label)
                item.setToolTip(label)
                item.setData(Qt.ItemDataRole.UserRole, code)
                items.addItem(item)
            if not rows:
                empty = QListWidgetItem(self.tr("Nothing here today."))
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                items.addItem(empty)
        self.show_health(health, zone)

    def show_health(self, health: Any, zone: Any) -> None:
        from clinic_desktop.audit import host_name

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
