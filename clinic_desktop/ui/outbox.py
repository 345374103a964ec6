"""The outbox and log: every email with its status, attempts and the server's answer."""

from __future__ import annotations

from typing import Any

from clinic_desktop.ui.qt import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from clinic_desktop.ui.tasks import TaskRunner
from clinic_desktop.ui.widgets import (
    STATE_COLOURS,
    RowsModel,
    fit_columns,
    heading,
    hint,
    make_table,
    selected_key,
    show_error,
    show_info,
)

SUBJECT_WIDTH = 300
LIMIT = 1000  # rows shown; `clinic-desktop outbox list --limit N` lists more


class OutboxView(QWidget):
    changed = Signal()

    def __init__(self, context: Any, tasks: TaskRunner, parent: QWidget | None = None):
        from clinic_desktop.notify.outbox import STATUSES

        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Outbox and log"))
        top.addStretch(1)
        top.addWidget(QLabel("Show:"))
        self.status = QComboBox()
        self.status.addItem("everything", "")
        for status in STATUSES:
            self.status.addItem(status.replace("_", " "), status)
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(self.status)
        self.period = QComboBox()
        for label, days in (("any date", 0), ("today", 1), ("last 7 days", 7),
                            ("last 30 days", 30)):
            self.period.addItem(label, days)
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(self.period)
        for text, slot in (("Retry", self.retry), ("Cancel email", self.cancel),
                           ("Send now", self.send_now)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            top.addWidget(button)
        layout.addLayout(top)
        self.note = hint("")
        layout.addWidget(self.note)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = RowsModel(["#", "Kind", "Patient", "To", "Status", "Tries", "Subject",
                                "Problem"], self,
                               colour_of=lambda r: STATE_COLOURS.get(str(r[4])))
        self.table = make_table(self.model, remember_as="outbox")
        self.table.clicked.connect(self._preview)
        splitter.addWidget(self.table)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setPlaceholderText("Select an email to see it exactly as sent, with every "
                                        "attempt.")
        splitter.addWidget(self.preview)
        splitter.setSizes([420, 220])
        layout.addWidget(splitter, 1)

    def refresh(self) -> None:
        status = self.status.currentData() or None

        def work() -> list[dict[str, Any]]:
            from clinic_desktop.notify.outbox_admin import outbox_rows

            with self.context.sessions() as session:
                return outbox_rows(session, status, LIMIT)

        def done(rows: list[dict[str, Any]]) -> None:
            self.model.set_rows([[r["id"], r["kind"], r["patient_code"] or "-",
                                  r["recipient"] or "-", r["status"], r["attempts"],
                                  r["subject"], r["last_error"]] for r in rows],
                                [r["id"] for r in rows])
            fit_columns(self.table)
            # Long subjects would push the Problem column (what staff act on) out of view.
            self.table.setColumnWidth(6, min(self.table.columnWidth(6), SUBJECT_WIDTH))
            self.note.setText(self._describe(len(rows), status))

        self.tasks.run(work, done, lambda m: show_error(self, m))

    @staticmethod
    def _describe(count: int, status: str | None) -> str:
        shown = f" {status.replace('_', ' ')}" if status else ""
        if count >= LIMIT:
            return f"The newest {count}{shown} emails."
        if count:
            return f"{count}{shown} email(s), newest first."
        if status:
            return f"No{shown} emails right now."
        return ("No emails yet. The daily check queues an email when a step is finished; "
                "every email, sent or not, then stays listed here.")

    def _preview(self, index: Any) -> None:
        from clinic_desktop.notify.outbox_admin import describe

        with self.context.sessions() as session:
            self.preview.setPlainText(describe(session, self.model.keys[index.row()]))

    def _admin(self, action: str) -> None:
        note_id = selected_key(self.table, self.model)
        if note_id is None:
            show_error(self, "Select an email first.")
            return

        def work() -> str:
            from clinic_desktop.db.engine import write_session
            from clinic_desktop.notify import outbox_admin

            with write_session(self.context.sessions) as session:
                return getattr(outbox_admin, action)(session, note_id)

        def done(message: str) -> None:
            show_info(self, message)
            self.refresh()
            self.changed.emit()

        self.tasks.run(work, done, lambda m: show_error(self, m))

    def retry(self) -> None:
        self._admin("retry")

    def cancel(self) -> None:
        self._admin("cancel")

    def send_now(self) -> None:
        from clinic_desktop.scheduler import run_delivery

        def done(event: Any) -> None:
            (show_info if event.ok else show_error)(self, f"Sending: {event.summary}")
            self.refresh()
            self.changed.emit()

        self.tasks.run(lambda: run_delivery(self.context), done, lambda m: show_error(self, m))
