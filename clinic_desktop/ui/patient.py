"""One patient: details, the step plan (table and timeline), photos, emails and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from clinic_desktop.ui.photos import PhotoTimeline
from clinic_desktop.ui.qt import (
    QColor,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPainter,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
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


@dataclass
class StepInfo:
    id: int
    order: int
    name: str
    start: date | None
    due: date | None
    duration: int
    state: str
    days_late: int
    plan: str


class TimelineBar(QWidget):
    """The plan as one bar: a segment per step, as long as its duration, coloured by state."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.steps: list[StepInfo] = []
        self.setMinimumHeight(34)
        self.setToolTip("Each block is a step, as long as its duration")

    def set_steps(self, steps: list[StepInfo]) -> None:
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

    def __init__(self, context: Any, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        self.code = ""
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        back = QPushButton("← Patients")
        back.clicked.connect(self.back)
        top.addWidget(back)
        self.title = heading("")
        top.addWidget(self.title, 1)
        for text, slot in (("Edit…", self.edit), ("Apply plan…", self.apply_plan),
                           ("Import photos…", self.import_photos)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            top.addWidget(button)
        layout.addLayout(top)
        self.details = hint("")
        layout.addWidget(self.details)
        self.timeline = TimelineBar()
        layout.addWidget(self.timeline)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        steps_page = QWidget()
        steps_layout = QVBoxLayout(steps_page)
        self.steps_model = RowsModel(["#", "Step", "Start", "Due", "State", "Days late",
                                      "Plan"], self,
                                     colour_of=lambda row: STATE_COLOURS.get(row[4]))
        self.steps_table = make_table(self.steps_model, remember_as="steps")
        self.step_drops = RowFileDrops(self.steps_table, self._drop_on_step)
        steps_layout.addWidget(self.steps_table, 1)
        steps_layout.addWidget(hint(
            "Drop photo files on a step to file them under it: the active step (it completes "
            "when its time is up) or an earlier one (kept as a record; nothing else changes). "
            "Dropped anywhere else on this page they go to the active step."))
        actions = QHBoxLayout()
        for text, slot, tip in (
            ("Complete now", self.complete_now, "Complete the active step today and start the "
             "next one"),
            ("Skip", self.skip, "Skip the selected step (or the active one)"),
            ("Pause…", self.pause, "Pause the active step until a date; its due date moves"),
            ("Resume", self.resume, "End the pause today"),
            ("Duration…", self.duration, "Change the selected step's duration"),
            ("Move…", self.move, "Move a step that has not started"),
            ("Add step…", self.add_step, "Add a step at the end"),
            ("Undo last progression", self.undo, "Make the previous step active again"),
            ("Send photo reminder", self.remind, "Queue a photo reminder email now"),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            actions.addWidget(button)
        actions.addStretch(1)
        steps_layout.addLayout(actions)
        self.tabs.addTab(steps_page, "Steps")

        self.photos = PhotoTimeline(context, tasks, self)
        self.tabs.addTab(self.photos, "Photos")

        emails_page = QWidget()
        emails_layout = QHBoxLayout(emails_page)
        self.emails_model = RowsModel(["Queued", "Kind", "Status", "To", "Subject"], self,
                                      colour_of=lambda row: STATE_COLOURS.get(row[2]))
        self.emails_table = make_table(self.emails_model, remember_as="patient-emails")
        self.emails_table.clicked.connect(self._show_email)
        self.email_text = QPlainTextEdit()
        self.email_text.setReadOnly(True)
        emails_layout.addWidget(self.emails_table, 3)
        emails_layout.addWidget(self.email_text, 2)
        self.tabs.addTab(emails_page, "Emails")

        self.audit_model = RowsModel(["When", "Who", "PC", "What", "Detail"], self)
        self.tabs.addTab(make_table(self.audit_model), "History")

    # --- loading ------------------------------------------------------------------------

    def show_patient(self, code: str) -> None:
        self.code = code
        self.refresh()

    def refresh(self) -> None:
        code = self.code
        today = self.context.clinic_today()

        def work() -> dict[str, Any]:
            return load_patient(self.context.sessions, code, today)

        self.tasks.run(work, self._show, lambda m: show_error(self, m))

    def _show(self, data: dict[str, Any]) -> None:
        self.title.setText(f"{data['code']}  {data['name']}")
        self.details.setText(data["details"])
        steps: list[StepInfo] = data["steps"]
        self.timeline.set_steps(steps)
        self.steps_model.set_rows(
            [[s.order, s.name, s.start or "", s.due or "", s.state, s.days_late or "", s.plan]
             for s in steps], [s.id for s in steps])
        fit_columns(self.steps_table)
        self.emails_model.set_rows(data["emails"], data["email_ids"])
        fit_columns(self.emails_table)
        self.audit_model.set_rows(data["audit"])
        self.photos.report_title = f"{data['code']} {data['name']}"
        self.photos.show_photos(data["photos"])

    def _show_email(self, index: Any) -> None:
        from clinic_desktop.notify.outbox_admin import describe

        key = self.emails_model.keys[index.row()]
        with self.context.sessions() as session:
            self.email_text.setPlainText(describe(session, key))

    # --- actions ------------------------------------------------------------------------

    def _change(self, action: Any, done_message: str | None = None) -> None:
        """Run a step action in a worker, in one write transaction, then reload."""
        code, today = self.code, self.context.clinic_today()

        def work() -> Any:
            from clinic_desktop.db.engine import write_session
            from clinic_desktop.domain.patients import get_patient

            with write_session(self.context.sessions) as session:
                return action(session, get_patient(session, code), today)

        def done(result: Any) -> None:
            self.refresh()
            self.changed.emit()
            message = done_message or (result if isinstance(result, str) else None)
            if message:
                show_info(self, message)

        self.tasks.run(work, done, lambda m: show_error(self, m))

    def _selected_step_id(self) -> int | None:
        return selected_key(self.steps_table, self.steps_model)

    def complete_now(self) -> None:
        from clinic_desktop.domain import progression

        def act(session: Any, patient: Any, today: date) -> str:
            step = progression.active_step(session, patient.id)
            if step is None:
                from clinic_desktop.errors import RuleError

                raise RuleError(f"{patient.code} has no active step.")
            result = progression.complete_early(session, step, today)
            return "The plan is finished." if result.plan_finished else \
                "Step completed; the next step starts today."

        self._change(act)

    def skip(self) -> None:
        from clinic_desktop.domain import progression

        step_id = self._selected_step_id()
        self._change(lambda s, p, today: progression.skip_step(
            s, self._step_by_id(s, p, step_id), today) and None)

    def _step_by_id(self, session: Any, patient: Any, step_id: int | None) -> Any:
        from clinic_desktop.db.models import TreatmentStep
        from clinic_desktop.domain.progression import active_step
        from clinic_desktop.errors import RuleError

        step = session.get(TreatmentStep, step_id) if step_id else active_step(session,
                                                                              patient.id)
        if step is None:
            raise RuleError("Select a step first (this patient has no active step).")
        return step

    def pause(self) -> None:
        from clinic_desktop.domain import progression

        until = ask_date(self, "Pause the active step", "Pause until:",
                         self.context.clinic_today())
        if until is None:
            return
        self._change(lambda s, p, today: progression.pause_step(
            s, self._step_by_id(s, p, None), until, today))

    def resume(self) -> None:
        from clinic_desktop.domain import progression

        self._change(lambda s, p, today: progression.resume_step(
            s, self._step_by_id(s, p, None), today))

    def duration(self) -> None:
        from clinic_desktop.domain import progression

        step_id = self._selected_step_id()
        days, ok = QInputDialog.getInt(self, "Step duration", "Days:", 14, 1, 3650)
        if ok:
            self._change(lambda s, p, today: progression.set_duration(
                s, self._step_by_id(s, p, step_id), days))

    def move(self) -> None:
        from clinic_desktop.domain import progression

        step_id = self._selected_step_id()
        if step_id is None:
            show_error(self, "Select the step to move first.")
            return
        position, ok = QInputDialog.getInt(
            self, "Move step", "New position among the steps that have not started "
            "(1 = next):", 1, 1, 999)
        if ok:
            self._change(lambda s, p, today: progression.move_step(
                s, self._step_by_id(s, p, step_id), position))

    def add_step(self) -> None:
        from clinic_desktop.domain import progression

        dialog = StepDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, days, instructions = dialog.values()
        self._change(lambda s, p, today: progression.add_step(s, p, name, days, instructions,
                                                              today) and None)

    def undo(self) -> None:
        from clinic_desktop.domain import progression

        self._change(lambda s, p, today: f"Step {progression.undo_last_progression(s, p).order}"
                     " is active again.")

    def remind(self) -> None:
        from clinic_desktop.notify.outbox_admin import queue_reminder_now

        self._change(lambda s, p, today: queue_reminder_now(s, p, today))

    def apply_plan(self) -> None:
        from clinic_desktop.domain import plans

        with self.context.sessions() as session:
            names = [t.name for t in plans.list_templates(session)]
        if not names:
            show_error(self, "There are no plan templates yet (Plan templates view).")
            return
        dialog = ApplyPlanDialog(names, self.context.clinic_today(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, start = dialog.values()
        self._change(lambda s, p, today: plans.apply_plan(
            s, p, plans.get_template(s, name), start) and None,
            f"Plan “{name}” applied from {start:%d %b %Y}.")

    def edit(self) -> None:
        from clinic_desktop.ui.patients import PatientDialog

        dialog = PatientDialog(self.context, self, code=self.code)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.code = dialog.saved_code
            self.refresh()
            self.changed.emit()

    def import_photos(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, f"Photos for {self.code}", "",
            "Photos (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff);;All files (*)")
        if files:
            self.import_files([Path(f) for f in files])

    def import_files(self, paths: list[Path], step_order: int | None = None) -> None:
        from clinic_desktop.ui.inbox import run_import

        run_import(self, self.context, self.tasks, paths, patient_code=self.code,
                   step_order=step_order,
                   on_finished=lambda: (self.refresh(), self.changed.emit()))

    def _drop_on_step(self, row: int, paths: list[Path]) -> None:
        """Files dropped on a step row are for that step; below the rows, the active one."""
        self.import_files(paths, self.steps_model.rows[row][0] if row >= 0 else None)


def load_patient(sessions: Any, code: str, today: date) -> dict[str, Any]:
    """Everything the patient view shows, as plain values (runs in a worker)."""
    from clinic_desktop import settings
    from clinic_desktop.db.models import AuditEvent, Notification, Photo
    from clinic_desktop.domain.patients import get_patient
    from clinic_desktop.domain.steps import days_late, state

    with sessions() as session:
        zone = settings.clinic_zone(session)
        p = get_patient(session, code)
        details = " · ".join(x for x in (
            p.email or "no email address",
            "emails allowed" if p.email_consent else "no email consent",
            p.phone or "", f"language {p.language}",
            f"doctor {p.doctor.name}" if p.doctor else "no doctor") if x)
        steps = [StepInfo(s.id, s.order, s.name, s.start_date, s.due_date, s.duration_days,
                          state(s, today).value, days_late(s, today), s.plan_name)
                 for s in p.steps]
        notes = session.scalars(select(Notification).where(Notification.patient_id == p.id)
                                .order_by(Notification.id.desc())).all()
        audit = session.scalars(select(AuditEvent).where(AuditEvent.patient_id == p.id)
                                .order_by(AuditEvent.id.desc()).limit(500)).all()
        photos = session.scalars(select(Photo).where(Photo.patient_id == p.id)
                                 .order_by(Photo.taken_at, Photo.id)).all()
        # What the photo timeline heads each step's photos with: when it ran. The active
        # step runs until its due date; a completed one until the next step started (written
        # in the clinic's days with the completion, also under --today), else the day it was
        # completed.
        def ended(step: Any) -> date | None:
            if not step.is_completed:
                return step.due_date
            following = next((t.start_date for t in p.steps if t.order > step.order
                              and t.start_date and step.start_date
                              and t.start_date >= step.start_date), None)
            return following or (step.completed_at.astimezone(zone).date()
                                 if step.completed_at else None)

        step_heads = {s.id: {"order": s.order, "name": s.name, "state": info.state,
                             "start": s.start_date, "end": ended(s)}
                      for s, info in zip(p.steps, steps, strict=True)}
        return {
            "code": p.code, "name": p.full_name, "details": details, "steps": steps,
            "emails": [[f"{n.created_at.astimezone():%Y-%m-%d %H:%M}", n.kind, n.status,
                        n.recipient or "-", n.subject] for n in notes],
            "email_ids": [n.id for n in notes],
            "audit": [[f"{a.at.astimezone():%Y-%m-%d %H:%M}", a.actor, a.host, a.action,
                       a.detail or a.after] for a in audit],
            "photos": [{"id": ph.id, "sha256": ph.sha256, "step": step_heads.get(ph.step_id),
                        "taken_at": ph.taken_at, "name": ph.original_name,
                        "completed": ph.completed_step} for ph in photos],
        }


def ask_date(parent: QWidget, title: str, label: str, start: date) -> date | None:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    # Wide enough for its title: a narrow dialog cuts the title off in the window frame.
    dialog.setMinimumWidth(dialog.fontMetrics().horizontalAdvance(title) + 160)
    form = QFormLayout(dialog)
    edit = QDateEdit(start)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
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
        self.setWindowTitle("Add step")
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.days = QSpinBox()
        self.days.setRange(1, 3650)
        self.days.setValue(14)
        self.instructions = QPlainTextEdit()
        self.instructions.setMaximumHeight(90)
        form.addRow("Name", self.name)
        form.addRow("Days", self.days)
        form.addRow("Instructions", self.instructions)
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
        self.setWindowTitle("Apply a plan")
        form = QFormLayout(self)
        self.template = QComboBox()
        self.template.addItems(names)
        self.start = QDateEdit(today)
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd")
        form.addRow("Plan template", self.template)
        form.addRow("First step starts", self.start)
        form.addRow(QLabel("The first step becomes active on that day."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, date]:
        return self.template.currentText(), self.start.date().toPython()

