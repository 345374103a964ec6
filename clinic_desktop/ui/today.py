"""The Today view: what needs doing now, each item one click from the patient."""

from __future__ import annotations

from typing import Any

from clinic_desktop.ui.qt import (
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

SECTIONS = [
    ("due_today", "Steps due today", "Their 'photo required' email goes out with today's check."),
    ("awaiting_photo", "Waiting for a photo", "Finished steps; the next starts when the photo "
     "arrives."),
    ("late", "Late", "Waiting for a photo for {late} days or more."),
    ("emails_need_attention", "Emails that need attention", "Failed, or held because of a "
     "missing address or consent."),
    ("unmatched_photos", "Photos without a patient", "Assign them in the Photo inbox."),
    ("plans_ending", "Plans ending this week", "The last step ends within 7 days."),
]


class TodayView(QWidget):
    open_patient = Signal(str)
    open_outbox = Signal()
    open_inbox = Signal()
    run_check = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = heading("Today")
        top.addWidget(self.title)
        top.addStretch(1)
        check = QPushButton("Run the daily check now")
        check.setToolTip("Queue and send the emails for finished steps now")
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
        grid = QGridLayout()
        self.boxes: dict[str, tuple[QGroupBox, QListWidget, QLabel]] = {}
        for index, (key, title, explanation) in enumerate(SECTIONS):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            note = hint(explanation)
            # Room for two lines in every box, so the lists of a row start level.
            note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            note.setMinimumHeight(2 * note.fontMetrics().lineSpacing())
            items = QListWidget()
            items.setObjectName(key)
            items.setWordWrap(True)
            items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            # Activated = double-click (or single click where the desktop says so) or Enter;
            # also listening to itemDoubleClicked opened the patient twice.
            items.itemActivated.connect(lambda item, k=key: self._activated(k, item))
            inner.addWidget(note)
            inner.addWidget(items)
            grid.addWidget(box, index // 3, index % 3)
            self.boxes[key] = (box, items, note)
        layout.addLayout(grid, 1)

    def _activated(self, key: str, item: QListWidgetItem) -> None:
        code = item.data(Qt.ItemDataRole.UserRole)
        if key == "unmatched_photos":
            self.open_inbox.emit()
        elif key == "emails_need_attention" and not code:
            self.open_outbox.emit()
        elif code:
            self.open_patient.emit(code)

    def show_overview(self, overview: Any, health: Any) -> None:
        self.title.setText(f"Today, {overview.today:%A %d %B %Y}")
        for key, title, explanation in SECTIONS:
            box, items, note = self.boxes[key]
            rows = getattr(overview, key)
            box.setTitle(f"{title} ({len(rows)})")
            note.setText(explanation.format(late=overview.late_after_days))
            items.clear()
            for row in rows:
                label = f"{row.patient_code}  {row.patient_name}\n    {row.detail}" \
                    if row.patient_code != "-" else f"{row.patient_name}\n    {row.detail}"
                item = QListWidgetItem(label)
                item.setToolTip(label)
                item.setData(Qt.ItemDataRole.UserRole,
                             row.patient_code if row.patient_code != "-" else "")
                items.addItem(item)
            if not rows:
                empty = QListWidgetItem("Nothing here today.")
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                items.addItem(empty)
        self.show_health(health)

    def show_health(self, health: Any) -> None:
        last = health.last_daily
        ran = (f"Last daily check {last.finished_at.astimezone():%d %b %H:%M} on "
               f"{last.host.split(':')[0]}: {last.summary}" if last and last.finished_at
               else "The daily check has not run yet.")
        sender = (f"Emails are sent by {health.sender.split(':')[0]}."
                  if health.sender and not health.sender_stale
                  else "No PC is sending emails at the moment.")
        self.notifier.setText(f"{sender} {ran}")
        self.warning.setVisible(bool(health.warnings))
        self.warning.setText("\n".join(health.warnings))
