"""The outbox and log: every email with its status, attempts and the server's answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from clinic_desktop import clock
from clinic_desktop.audit import host_name
from clinic_desktop.domain import staff_changes
from clinic_desktop.domain.email_actions import OutboxRow, outbox_rows
from clinic_desktop.domain.email_actions import email_details as read_details
from clinic_desktop.errors import NotFoundError
from clinic_desktop.notify.outbox import STATUSES
from clinic_desktop.scheduler import run_delivery
from clinic_desktop.ui.i18n import date_time_text, translate
from clinic_desktop.ui.patients import PatientDialog
from clinic_desktop.ui.qt import (
    QT_TRANSLATE_NOOP,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QShortcut,
    QSplitter,
    Qt,
    QTimer,
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
    offer_settings,
    selected_key,
    show_error,
    show_info,
)
from clinic_desktop.ui.words import core_text, email_kind, email_status

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext
    from clinic_desktop.domain.email_actions import EmailDetails

SUBJECT_WIDTH = 300
LIMIT = 1000  # rows shown (the CLI's `outbox list --limit N` lists more)


def email_details(sessions: Any, note_id: int) -> EmailDetails:
    """One email as the preview shows it (runs in a worker)."""
    with sessions() as session:
        found = read_details(session, note_id)
    if found is None:
        raise NotFoundError(translate("OutboxView", "This email no longer exists."))
    return found


ATTEMPTS = {
    "sent": QT_TRANSLATE_NOOP("OutboxView", "sent"),
    "retry": QT_TRANSLATE_NOOP("OutboxView", "will try again"),
    "failed": QT_TRANSLATE_NOOP("OutboxView", "failed"),
    "interrupted": QT_TRANSLATE_NOOP("OutboxView", "interrupted (the app quit)"),
}


def email_preview(email: EmailDetails) -> str:
    """The email as staff read it: who, what, when (clinic's time), every attempt and the PC
    that made it, the text. Literal `translate` calls: lupdate finds no other."""
    zone, this_pc = email.zone, host_name().lower()
    lines = [translate("OutboxView", "{kind} email, {status}").format(
                 kind=email_kind(email.kind), status=email_status(email.status)),
             translate("OutboxView", "To: {name} <{address}>").format(
                 name=email.recipient_name,
                 address=email.recipient or translate("OutboxView", "no address")),
             translate("OutboxView", "Subject: {subject}").format(subject=email.subject),
             translate("OutboxView", "Queued: {when}").format(
                 when=date_time_text(email.created_at, zone))]
    if email.sent_at:
        lines.append(translate("OutboxView", "Sent: {when}").format(
            when=date_time_text(email.sent_at, zone)))
    if email.problem:
        lines.append(translate("OutboxView", "Problem: {problem}").format(
            problem=core_text(email.problem)))
    for at, host, outcome, code, detail in email.attempts:
        word = translate("OutboxView", ATTEMPTS[outcome]) if outcome in ATTEMPTS else outcome
        pc = host.split(":")[0]  # name:process
        line = translate("OutboxView", "  {when} on this PC: {outcome}") \
            if pc.lower() == this_pc else \
            translate("OutboxView", "  {when} on the PC named “{pc}”: {outcome}")
        lines.append(line.format(when=date_time_text(at, zone), pc=pc, outcome=word)
                     + (f" ({code})" if code else "")
                     + (f" {core_text(detail)}" if detail else ""))
    lines += ["", email.text or translate("OutboxView",
                                          "(the text is written when the email is sent)")]
    return "\n".join(lines)


# A permanent refusal of the address (550 5.1.1 mailbox unknown and the like): retrying the
# same address fails again, the cure is the patient's address.
PERMANENT = re.compile(r"\b5\d\d\b|\b5\.\d\.\d+\b")
PERIODS = [(QT_TRANSLATE_NOOP("OutboxView", "any date"), 0),
           (QT_TRANSLATE_NOOP("OutboxView", "today"), 1),
           (QT_TRANSLATE_NOOP("OutboxView", "last 7 days"), 7),
           (QT_TRANSLATE_NOOP("OutboxView", "last 30 days"), 30)]
LIVE_MS = 2000  # while sending, the rows are read again this often


class OutboxView(QWidget):
    changed = Signal()
    settings_requested = Signal()
    open_patient = Signal(str)

    def __init__(self, context: AppContext, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Outbox and log")))
        top.addStretch(1)
        show = QLabel(self.tr("Sh&ow:"))
        top.addWidget(show)
        self.status = QComboBox()
        show.setBuddy(self.status)
        self.status.addItem(self.tr("every email"), "")
        for status in STATUSES:
            self.status.addItem(email_status(status), status)
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(self.status)
        self.period = QComboBox()
        self.period.setAccessibleName(self.tr("Queued when"))
        for label, days in PERIODS:
            self.period.addItem(self.tr(label), days)
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(self.period)
        self.buttons: dict[str, QPushButton] = {}
        for name, text, slot, keys in (
                ("patient", self.tr("Open &patient"), self.show_patient, ""),
                ("retry", self.tr("&Retry"), self.retry, "Ctrl+R"),
                ("cancel", self.tr("Ca&ncel email"), self.cancel, ""),
                ("send", self.tr("Send no&w"), self.send_now, "")):
            button = QPushButton(text)
            self.buttons[name] = button
            button.clicked.connect(slot)
            if keys:
                shortcut = QShortcut(QKeySequence(keys), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
                button.setToolTip(self.tr("Send the selected email again ({keys})").format(
                    keys=QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)))
            top.addWidget(button)
        layout.addLayout(top)
        note_row = QHBoxLayout()
        self.note = hint("")
        note_row.addWidget(self.note, 1)
        self.sending = QProgressBar()
        self.sending.setRange(0, 0)  # busy: how long depends on the server
        self.sending.setMaximumWidth(160)
        self.sending.setAccessibleName(self.tr("Sending"))
        self.sending.hide()
        note_row.addWidget(self.sending)
        layout.addLayout(note_row)
        self.live = QTimer(self)
        self.live.setInterval(LIVE_MS)
        self.live.timeout.connect(self.refresh)
        self.codes: list[str] = []
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = RowsModel(["#", self.tr("Email"), self.tr("Patient"), self.tr("To"),
                                self.tr("Status"), self.tr("Tries"), self.tr("Subject"),
                                self.tr("Problem")], self)
        self.table = make_table(self.model, remember_as="outbox")
        self.table.setAccessibleName(self.tr("Emails"))
        # The preview follows the selection, by mouse or keyboard, and across reloads.
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._preview(current))
        splitter.addWidget(self.table)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName(self.tr("The selected email"))
        self.preview.setPlaceholderText(self.tr("Select an email to see it exactly as sent, "
                                                "with every attempt."))
        splitter.addWidget(self.preview)
        splitter.setSizes([420, 220])
        layout.addWidget(splitter, 1)

    def refresh(self) -> None:
        status = self.status.currentData() or None
        days = self.period.currentData()
        keep = selected_key(self.table, self.model)

        def work() -> tuple[list[OutboxRow], list[str]]:
            since = clock.now_utc() - timedelta(days=days) if days else None
            with self.context.sessions() as session:
                rows = outbox_rows(session, status, LIMIT, since)
            # Said here, not on the GUI thread: a thousand different refusals take a while.
            return rows, [core_text(r.last_error) for r in rows]

        def done(answer: tuple[list[OutboxRow], list[str]]) -> None:
            rows, problems = answer
            self.codes = [r.patient_code or "" for r in rows]
            self.model.set_rows([[r.id, email_kind(r.kind), r.patient_code or "-",
                                  r.recipient or "-", email_status(r.status),
                                  r.attempts, r.subject, problem]
                                 for r, problem in zip(rows, problems, strict=True)],
                                [r.id for r in rows],
                                [STATE_COLOURS.get(r.status) for r in rows])
            fit_columns(self.table)
            # Long subjects would push the Problem column (what staff act on) out of view.
            self.table.setColumnWidth(6, min(self.table.columnWidth(6), SUBJECT_WIDTH))
            self.note.setText(self._describe(len(rows), status))
            if keep in self.model.keys:  # the same email stays selected, its preview current
                self.table.selectRow(self.model.keys.index(keep))

        self.tasks.op(work, self).success(done).run()

    def _describe(self, count: int, status: str | None) -> str:
        if count >= LIMIT:
            return self.tr("The newest %n emails.", "", count)
        if count and status:
            return self.tr("%n email(s) with the status “{status}”, newest first.", "",
                           count).format(status=email_status(status))
        if count:
            return self.tr("%n email(s), newest first.", "", count)
        if status:
            return self.tr("No emails with the status “{status}” right now.").format(
                status=email_status(status))
        return self.tr("No emails yet. The daily check queues an email when a step is "
                       "finished; every email, sent or not, then stays listed here.")

    def _preview(self, index: Any) -> None:
        if not index.isValid():
            self.preview.clear()
            return
        note_id, sessions = self.model.keys[index.row()], self.context.sessions
        self.tasks.op(lambda: email_details(sessions, note_id), self).success(
            lambda email: self.preview.setPlainText(email_preview(email))).run()

    def _admin(self, action: Callable[[Any, int], str]) -> None:
        """`action(sessions, email id)`: staff_changes.retry_email or cancel_email."""
        note_id = selected_key(self.table, self.model)
        if note_id is None:
            show_error(self, self.tr("Select an email first."))
            return

        def done(message: str) -> None:
            show_info(self, message)
            self.refresh()
            self.changed.emit()

        sessions = self.context.sessions
        self.tasks.op(lambda: action(sessions, note_id), self).success(done).run()

    def show_patient(self) -> None:
        """A failed email's cure is most often the patient's details: open the patient."""
        rows = self.table.selectionModel().selectedRows()
        code = self.codes[rows[0].row()] if rows else ""
        if not code:
            show_error(self, self.tr("Select an email to a patient first."))
            return
        self.open_patient.emit(code)

    def retry(self) -> None:
        """Send again. After a permanent refusal of the address (550 5.1.1), sending to the
        same address fails again: offer to correct the patient's address first."""
        rows = self.table.selectionModel().selectedRows()
        if rows:
            row = rows[0].row()
            problem, code = str(self.model.rows[row][7] or ""), self.codes[row]
            if code and PERMANENT.search(problem) and not self._address_fixed(code, problem):
                return
        self._admin(staff_changes.retry_email)

    def _address_fixed(self, code: str, problem: str) -> bool:
        """Ask for a corrected address; True to go on and send (to the address now stored)."""
        answer = QMessageBox.question(
            self, self.tr("Retry"),
            self.tr("The mail server refused the address for good:\n{problem}\n\nSending "
                    "to the same address will fail again. Correct {code}'s address first?"
                    ).format(problem=problem, code=code),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Yes:
            dialog = PatientDialog(self.context, self.tasks, self, code=code)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            self.changed.emit()
        return True

    def cancel(self) -> None:
        self._admin(staff_changes.cancel_email)

    def send_now(self) -> None:
        def finished() -> None:
            self.live.stop()
            self.sending.hide()
            self.buttons["send"].setEnabled(True)
            self.refresh()
            self.changed.emit()

        def done(event: Any) -> None:
            finished()
            if event.config_error:
                if offer_settings(self, self.tr("Sending")):
                    self.settings_requested.emit()
            else:
                (show_info if event.ok else show_error)(
                    self, self.tr("Sending: {summary}").format(
                        summary=core_text(event.summary)))

        # Sending can take a while (a slow server, a rate limit): show that it runs and let
        # the rows change as emails go.
        self.buttons["send"].setEnabled(False)
        self.sending.show()
        self.live.start()
        self.tasks.op(lambda: run_delivery(self.context)).success(done).failure(
            lambda m: (finished(), show_error(self, m))).run()
