"""One patient: details, the step plan (table and timeline), photos, emails and history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_desktop.domain import patient_page
from clinic_desktop.domain.patient_page import PatientDetails, PatientPage, StepRow
from clinic_desktop.ui.i18n import date_format, date_text, date_time_text, translate
from clinic_desktop.ui.inbox import run_import
from clinic_desktop.ui.outbox import email_details, email_preview
from clinic_desktop.ui.patients import PatientDialog
from clinic_desktop.ui.photos import PhotoTimeline, library_of, load_thumbnails, photo_filter
from clinic_desktop.ui.qt import (
    QColor,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPainter,
    QPlainTextEdit,
    QPushButton,
    QShortcut,
    QSpinBox,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from clinic_desktop.ui.tasks import TaskRunner
from clinic_desktop.ui.widgets import (
    STATE_COLOURS,
    FileDropTarget,
    RowFileDrops,
    RowsModel,
    fit_columns,
    heading,
    hint,
    make_table,
    selected_key,
    show_error,
    show_info,
)
from clinic_desktop.ui.words import choice, email_kind, email_status, history, step_state

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext


class TimelineBar(QWidget):
    """The plan as one bar: a segment per step, as long as its duration, coloured by state."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.steps: tuple[StepRow, ...] = ()
        self.setMinimumHeight(34)
        self.setToolTip(self.tr("Each block is a step, as long as its duration"))
        self.setAccessibleName(self.tr("The plan's steps as a bar"))

    def set_steps(self, steps: tuple[StepRow, ...]) -> None:
        self.steps = steps
        self.update()

    def paintEvent(self, event: Any) -> None:
        if not self.steps:
            return
        painter = QPainter(self)
        total = sum(s.duration for s in self.steps) or 1
        width, x = self.width() - 2, 1.0
        for step in self.steps:
            w = width * step.duration / total
            painter.setBrush(QColor(STATE_COLOURS.get(step.state, "#ffffff")))
            painter.setPen(QColor("#9aa5ad"))
            painter.drawRect(int(x), 4, max(int(w) - 1, 1), self.height() - 8)
            if step.state in ("active", "due", "paused"):
                painter.setPen(QColor("#1f6f8b"))
                painter.drawRect(int(x) + 1, 5, max(int(w) - 3, 1), self.height() - 10)
            x += w
        painter.end()


class PatientView(FileDropTarget, QWidget):
    back = Signal()
    changed = Signal()

    def __init__(self, context: AppContext, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        self.code = ""
        self.steps: tuple[StepRow, ...] = ()
        self.today = date.today()  # the clinic's day once a patient has loaded
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        back = QPushButton(self.tr("← Pa&tients"))
        back.setAccessibleName(self.tr("Back to the patients"))
        back.clicked.connect(self.back)
        top.addWidget(back)
        self.title = heading("")
        top.addWidget(self.title, 1)
        for text, slot in ((self.tr("&Edit…"), self.edit),
                           (self.tr("Apply p&lan…"), self.apply_plan),
                           (self.tr("&Import photos…"), self.import_photos)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            top.addWidget(button)
            if slot == self.apply_plan:
                self.plan_button = button  # waits while the patient loads or changes
        layout.addLayout(top)
        self.details = hint("")
        layout.addWidget(self.details)
        # Mail to the patient's address came back: nothing is sent until staff act.
        self.bounce_bar = QWidget()
        bounce = QHBoxLayout(self.bounce_bar)
        bounce.setContentsMargins(0, 0, 0, 0)
        self.bounce_text = QLabel("")
        self.bounce_text.setWordWrap(True)
        self.bounce_text.setStyleSheet("background:#f4c7c3; padding:6px; border-radius:4px;")
        bounce.addWidget(self.bounce_text, 1)
        for text, slot, tip in (
                (self.tr("Chan&ge address…"), self.edit,
                 self.tr("Correct the patient's email address")),
                (self.tr("C&onfirm address"), self.confirm_address,
                 self.tr("The address is right (checked with the patient): send to it again"))):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            bounce.addWidget(button)
        self.bounce_bar.hide()
        layout.addWidget(self.bounce_bar)
        self.timeline = TimelineBar()
        layout.addWidget(self.timeline)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        steps_page = QWidget()
        steps_layout = QVBoxLayout(steps_page)
        self.steps_model = RowsModel(["#", self.tr("Step"), self.tr("Start"), self.tr("Due"),
                                      self.tr("State"), self.tr("Days late"), self.tr("Plan")],
                                     self)
        self.steps_table = make_table(self.steps_model, remember_as="steps")
        self.steps_table.setAccessibleName(self.tr("Steps of the plan"))
        self.step_drops = RowFileDrops(self.steps_table, self._drop_on_step)
        steps_layout.addWidget(self.steps_table, 1)
        steps_layout.addWidget(hint(self.tr(
            "Drop photo files on a step to file them under it: the active step (it completes "
            "when its time is up) or an earlier one (kept as a record; nothing else changes). "
            "Dropped anywhere else on this page they go to the active step.")))
        # Two rows: the everyday actions, then the plan changes. One row of nine buttons is
        # wider than a 1366×768 screen in German.
        self.step_actions = QWidget()  # closed while a step action runs: no double clicks
        actions = QGridLayout(self.step_actions)
        actions.setContentsMargins(0, 0, 0, 0)
        for index, (text, slot, tip, keys) in enumerate((
            (self.tr("&Complete now"), self.complete_now, self.tr(
                "Complete the active step today and start the next one"), "Ctrl+Return"),
            (self.tr("&Pause…"), self.pause, self.tr(
                "Pause the active step until a date; its due date moves"), "Ctrl+P"),
            (self.tr("Res&ume"), self.resume, self.tr("End the pause today"), ""),
            (self.tr("S&kip"), self.skip, self.tr("Skip the selected step (or the active one)"),
             ""),
            (self.tr("Send photo &reminder"), self.remind, self.tr(
                "Queue a photo reminder email now"), ""),
            (self.tr("&Duration…"), self.duration, self.tr(
                "Change the selected step's duration"), ""),
            (self.tr("&Move…"), self.move, self.tr("Move a step that has not started"), ""),
            (self.tr("&Add step…"), self.add_step, self.tr("Add a step at the end"), ""),
            (self.tr("U&ndo last progression"), self.undo, self.tr(
                "Make the previous step active again"), ""),
        )):
            button = QPushButton(text)
            button.clicked.connect(slot)
            if keys:
                shortcut = QShortcut(QKeySequence(keys), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
                tip += f" ({QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)})"
            button.setToolTip(tip)
            actions.addWidget(button, *divmod(index, 5))
        actions.setColumnStretch(5, 1)
        steps_layout.addWidget(self.step_actions)
        self.tabs.addTab(steps_page, self.tr("&Steps"))

        self.photos = PhotoTimeline(context, tasks, self)
        self.photos.changed.connect(lambda: (self.refresh(), self.changed.emit()))
        self.tabs.addTab(self.photos, self.tr("P&hotos"))

        emails_page = QWidget()
        emails_layout = QHBoxLayout(emails_page)
        self.emails_model = RowsModel([self.tr("Queued"), self.tr("Email"), self.tr("Status"),
                                       self.tr("To"), self.tr("Subject")], self)
        self.emails_table = make_table(self.emails_model, remember_as="patient-emails")
        self.emails_table.setAccessibleName(self.tr("Emails to this patient"))
        self.emails_table.clicked.connect(self._show_email)
        self.email_text = QPlainTextEdit()
        self.email_text.setReadOnly(True)
        self.email_text.setAccessibleName(self.tr("The selected email"))
        emails_layout.addWidget(self.emails_table, 3)
        emails_layout.addWidget(self.email_text, 2)
        self.tabs.addTab(emails_page, self.tr("E&mails"))

        self.audit_model = RowsModel([self.tr("When"), self.tr("Who"), self.tr("PC"),
                                      self.tr("What"), self.tr("Detail")], self)
        history = make_table(self.audit_model)
        history.setAccessibleName(self.tr("History of this patient"))
        self.tabs.addTab(history, self.tr("Histor&y"))

    # --- loading ------------------------------------------------------------------------

    def show_patient(self, code: str) -> None:
        if code != self.code:  # nothing of the last patient stays on screen while this loads
            self.title.setText(self.tr("Loading {code}…").format(code=code))
            self.details.setText("")
            self.steps = ()
            self.timeline.set_steps(())
            for model in (self.steps_model, self.emails_model, self.audit_model):
                model.set_rows([])
            self.email_text.clear()
            self.photos.show_photos((), None, {})
        self.code = code
        self.refresh()

    def refresh(self) -> None:
        code, context = self.code, self.context

        def work() -> tuple[PatientPage, Any, dict[int, Any]]:
            page = patient_page.load_patient_page(context.sessions, code,
                                                  context.clinic_today())
            library = library_of(context)  # a setting, read here too
            return page, library, load_thumbnails(page.photos, library)

        # The actions wait for the patient as it is now.
        self.tasks.op(work, self).success(self._show).busy(self.step_actions,
                                                           self.plan_button).run()

    def _show(self, answer: tuple[PatientPage, Any, dict[int, Any]]) -> None:
        page, library, thumbnails = answer
        self.today = page.today  # the clinic's day, for the dialogs' first dates
        self.title.setText(f"{page.code}  {page.name}")
        self.details.setText(self._details(page.details))
        bouncing = page.details.bouncing
        self.bounce_bar.setVisible(bool(bouncing))
        if bouncing:
            self.bounce_text.setText(self.tr(
                "Emails to {address} come back undeliverable ({reason}), so none are sent. "
                "Check the address with the patient, then change it or confirm it.").format(
                address=page.details.email, reason=bouncing))
        steps = self.steps = page.steps
        self.timeline.set_steps(steps)
        self.steps_model.set_rows(
            [[s.order, s.name, date_text(s.start), date_text(s.due), step_state(s.state),
              s.days_late or "", s.plan] for s in steps], [s.id for s in steps],
            [STATE_COLOURS.get(s.state) for s in steps])
        fit_columns(self.steps_table)
        zone = page.zone
        self.emails_model.set_rows(
            [[date_time_text(n.created, zone), email_kind(n.kind), email_status(n.status),
              n.to or "-", n.subject] for n in page.emails],
            [n.id for n in page.emails], [STATE_COLOURS.get(n.status) for n in page.emails])
        fit_columns(self.emails_table)
        self.audit_model.set_rows([[date_time_text(a.at, zone), a.who, a.pc, history(a.what),
                                    a.detail] for a in page.history])
        self.photos.report_title = f"{page.code} {page.name}"
        self.photos.show_photos(page.photos, library, thumbnails)

    def _details(self, d: PatientDetails) -> str:
        parts = [d.email or self.tr("no email address"),
                 self.tr("emails allowed") if d.consent else self.tr("no email consent"),
                 d.phone, self.tr("emails in {language}").format(language=choice(d.language)),
                 self.tr("doctor: {name}").format(name=d.doctor) if d.doctor
                 else self.tr("no doctor")]
        return " · ".join(part for part in parts if part)

    def _show_email(self, index: Any) -> None:
        key, sessions = self.emails_model.keys[index.row()], self.context.sessions
        self.tasks.op(lambda: email_details(sessions, key), self).success(
            lambda email: self.email_text.setPlainText(email_preview(email))).run()

    # --- actions ------------------------------------------------------------------------

    def _change(self, action: Callable[[Any, str, date], Any],
                done_message: str | None = None) -> None:
        """Run a step action in a worker: `action(sessions, code, today)` calls a domain
        function (its own write transaction); then reload. One at a time: a shortcut pressed
        twice does not complete two steps. `done_message`, or the action's sentence, is shown
        when it is done."""
        if self.tasks.running(self.step_actions):
            return
        code, context = self.code, self.context

        def done(result: Any) -> None:
            self.refresh()
            self.changed.emit()
            message = done_message or (result if isinstance(result, str) else None)
            if message:
                show_info(self, message)

        self.tasks.op(lambda: action(context.sessions, code, context.clinic_today()),
                      self).success(done).busy(self.step_actions, self.plan_button).run()

    def _selected_step_id(self) -> int | None:
        return selected_key(self.steps_table, self.steps_model)

    def complete_now(self) -> None:
        def act(sessions: Any, code: str, today: date) -> str:
            if patient_page.complete_now(sessions, code, today):
                return translate("PatientView", "The plan is finished.")
            return translate("PatientView", "Step completed; the next step starts today.")

        self._change(act)

    def skip(self) -> None:
        step_id = self._selected_step_id()
        self._change(lambda sessions, code, today: patient_page.skip(sessions, code, step_id,
                                                                     today))

    def _running_step(self) -> StepRow | None:
        """The active step as last shown (active, due or paused)."""
        return next((s for s in self.steps if s.state in ("active", "due", "paused")), None)

    def pause(self) -> None:
        if self.tasks.running(self.step_actions):  # Ctrl+P while loading or changing
            return
        step = self._running_step()
        title = self.tr("Pause step {order} – {name}").format(order=step.order,
                                                               name=step.name) \
            if step else self.tr("Pause the active step")
        # A week: the usual reason is a holiday or a broken aligner waiting for its next.
        until = ask_date(self, title, self.tr("Pause &until:"), self.today + timedelta(days=7))
        if until is None:
            return
        self._change(lambda sessions, code, today: patient_page.pause(sessions, code, until,
                                                                      today),
                     self.tr("Paused until {day}: the due date moves on by the days paused.")
                     .format(day=date_text(until)))

    def resume(self) -> None:
        self._change(patient_page.resume)

    def duration(self) -> None:
        step_id = self._selected_step_id()
        days, ok = QInputDialog.getInt(self, self.tr("Step duration"), self.tr("Days:"), 14, 1,
                                       3650)
        if ok:
            self._change(lambda sessions, code, _today: patient_page.set_duration(
                sessions, code, step_id, days))

    def move(self) -> None:
        step_id = self._selected_step_id()
        if step_id is None:
            show_error(self, self.tr("Select the step to move first."))
            return
        position, ok = QInputDialog.getInt(
            self, self.tr("Move step"), self.tr("New position among the steps that have not "
                                                "started (1 = next):"), 1, 1, 999)
        if ok:
            self._change(lambda sessions, code, _today: patient_page.move(
                sessions, code, step_id, position))

    def add_step(self) -> None:
        dialog = StepDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, days, instructions = dialog.values()
        self._change(lambda sessions, code, today: patient_page.add_step(
            sessions, code, name, days, instructions, today))

    def undo(self) -> None:
        self._change(lambda sessions, code, _today: translate(
            "PatientView", "Step {order} is active again.").format(
                order=patient_page.undo(sessions, code)))

    def remind(self) -> None:
        step = self._running_step()
        if step is not None and step.state == "paused" and QMessageBox.question(
                self, self.tr("Photo reminder"),
                self.tr("Step {order} is paused. Send a photo reminder all the same?").format(
                    order=step.order),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            return
        self._change(patient_page.remind_now)

    def apply_plan(self) -> None:
        """The templates are read in a worker; the dialog opens with their names."""
        sessions = self.context.sessions
        self.tasks.op(lambda: patient_page.plan_names(sessions), self) \
            .success(self._choose_plan).busy(self.plan_button).run()

    def _choose_plan(self, names: list[str]) -> None:
        if not names:
            show_error(self, self.tr("There are no plan templates yet: make one in the Plan "
                                     "templates view."))
            return
        dialog = ApplyPlanDialog(names, self.today, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, start = dialog.values()
        self._change(lambda sessions, code, _today: patient_page.apply_plan(
            sessions, code, name, start),
            self.tr("Plan “{name}” applied from {day}.").format(name=name,
                                                                day=date_text(start)))

    def edit(self) -> None:
        dialog = PatientDialog(self.context, self.tasks, self, code=self.code)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.code = dialog.saved_code
            self.refresh()
            self.changed.emit()

    def confirm_address(self) -> None:
        self._change(lambda sessions, code, _today: patient_page.confirm_address(sessions, code),
                     self.tr("The address is confirmed: emails go to it again. Those held "
                             "meanwhile can be sent from the Outbox (Retry)."))

    def import_photos(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Photos for {code}").format(code=self.code), "", photo_filter())
        if files:
            self.import_files([Path(f) for f in files])

    def import_files(self, paths: list[Path], step_order: int | None = None) -> None:
        run_import(self, self.context, self.tasks, paths, patient_code=self.code,
                   step_order=step_order,
                   on_finished=lambda: (self.refresh(), self.changed.emit()))

    def _drop_on_step(self, row: int, paths: list[Path]) -> None:
        """Files dropped on a step row are for that step; below the rows, the active one."""
        self.import_files(paths, self.steps_model.rows[row][0] if row >= 0 else None)


def ask_date(parent: QWidget, title: str, label: str, start: date) -> date | None:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    # Wide enough for its title: a narrow dialog cuts the title off in the window frame.
    dialog.setMinimumWidth(dialog.fontMetrics().horizontalAdvance(title) + 160)
    form = QFormLayout(dialog)
    edit = QDateEdit(start)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(date_format())
    form.addRow(label, edit)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return edit.date().toPython()


class StepDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add step"))
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.days = QSpinBox()
        self.days.setRange(1, 3650)
        self.days.setValue(14)
        self.instructions = QPlainTextEdit()
        self.instructions.setMaximumHeight(90)
        form.addRow(self.tr("&Name"), self.name)
        form.addRow(self.tr("&Days"), self.days)
        form.addRow(self.tr("&Instructions"), self.instructions)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, int, str]:
        return self.name.text(), self.days.value(), self.instructions.toPlainText()


class ApplyPlanDialog(QDialog):
    def __init__(self, names: list[str], today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Apply a plan"))
        form = QFormLayout(self)
        self.template = QComboBox()
        self.template.addItems(names)
        self.start = QDateEdit(today)
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat(date_format())
        form.addRow(self.tr("&Plan template"), self.template)
        form.addRow(self.tr("&First step starts"), self.start)
        form.addRow(QLabel(self.tr("The first step becomes active on that day.")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, date]:
        return self.template.currentText(), self.start.date().toPython()

