"""One patient: details, the step plan (table and timeline), photos, emails and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from clinic_desktop.ui.i18n import date_format, date_text, date_time_text, translate
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
        self.setToolTip(self.tr("Each block is a step, as long as its duration"))
        self.setAccessibleName(self.tr("The plan's steps as a bar"))

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

    def __init__(self, context: AppContext, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        self.code = ""
        self.steps: list[StepInfo] = []
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
            self.steps = []
            self.timeline.set_steps([])
            for model in (self.steps_model, self.emails_model, self.audit_model):
                model.set_rows([])
            self.email_text.clear()
            self.photos.show_photos([], None)
        self.code = code
        self.refresh()

    def refresh(self) -> None:
        code, context = self.code, self.context

        def work() -> dict[str, Any]:
            data = load_patient(context.sessions, code, context.clinic_today())
            data["library"] = library_of(context)  # a setting, read here too
            load_thumbnails(data["photos"], data["library"])
            return data

        # The actions wait for the patient as it is now.
        self.tasks.run(work, self._show, lambda m: show_error(self, m),
                       busy=[self.step_actions, self.plan_button])

    def _show(self, data: dict[str, Any]) -> None:
        self.today = data["today"]  # the clinic's day, for the dialogs' first dates
        self.title.setText(f"{data['code']}  {data['name']}")
        self.details.setText(self._details(data["details"]))
        bouncing = data["details"]["bouncing"]
        self.bounce_bar.setVisible(bool(bouncing))
        if bouncing:
            self.bounce_text.setText(self.tr(
                "Emails to {address} come back undeliverable ({reason}), so none are sent. "
                "Check the address with the patient, then change it or confirm it.").format(
                address=data["details"]["email"], reason=bouncing))
        steps: list[StepInfo] = data["steps"]
        self.steps = steps
        self.timeline.set_steps(steps)
        self.steps_model.set_rows(
            [[s.order, s.name, date_text(s.start), date_text(s.due), step_state(s.state),
              s.days_late or "", s.plan] for s in steps], [s.id for s in steps],
            [STATE_COLOURS.get(s.state) for s in steps])
        fit_columns(self.steps_table)
        zone = data["zone"]
        self.emails_model.set_rows(
            [[date_time_text(n["created"], zone), email_kind(n["kind"]),
              email_status(n["status"]), n["to"] or "-", n["subject"]] for n in data["emails"]],
            [n["id"] for n in data["emails"]],
            [STATE_COLOURS.get(n["status"]) for n in data["emails"]])
        fit_columns(self.emails_table)
        self.audit_model.set_rows([[date_time_text(a["at"], zone), a["who"], a["pc"],
                                    history(a["what"]), a["detail"]] for a in data["audit"]])
        self.photos.report_title = f"{data['code']} {data['name']}"
        self.photos.show_photos(data["photos"], data["library"])

    def _details(self, d: dict[str, Any]) -> str:
        parts = [d["email"] or self.tr("no email address"),
                 self.tr("emails allowed") if d["consent"] else self.tr("no email consent"),
                 d["phone"], self.tr("emails in {language}").format(
                     language=choice(d["language"])),
                 self.tr("doctor: {name}").format(name=d["doctor"]) if d["doctor"]
                 else self.tr("no doctor")]
        return " · ".join(part for part in parts if part)

    def _show_email(self, index: Any) -> None:
        from clinic_desktop.ui.outbox import email_details, email_preview

        key, sessions = self.emails_model.keys[index.row()], self.context.sessions
        self.tasks.run(lambda: email_details(sessions, key),
                       lambda email: self.email_text.setPlainText(email_preview(email)),
                       lambda m: show_error(self, m))

    # --- actions ------------------------------------------------------------------------

    def _change(self, action: Any, done_message: str | None = None) -> None:
        """Run a step action in a worker, in one write transaction, then reload. One at a
        time: a shortcut pressed twice does not complete two steps."""
        if self.tasks.running(self.step_actions):
            return
        code, context = self.code, self.context

        def work() -> Any:
            from clinic_desktop.db.engine import write_session
            from clinic_desktop.domain.patients import get_patient

            with write_session(context.sessions) as session:
                return action(session, get_patient(session, code), context.clinic_today())

        def done(result: Any) -> None:
            self.refresh()
            self.changed.emit()
            message = done_message or (result if isinstance(result, str) else None)
            if message:
                show_info(self, message)

        self.tasks.run(work, done, lambda m: show_error(self, m),
                       busy=[self.step_actions, self.plan_button])

    def _selected_step_id(self) -> int | None:
        return selected_key(self.steps_table, self.steps_model)

    def complete_now(self) -> None:
        from clinic_desktop.domain import progression

        def act(session: Any, patient: Any, today: date) -> str:
            step = progression.active_step(session, patient.id)
            if step is None:
                from clinic_desktop.errors import RuleError

                raise RuleError(translate("PatientView", "{code} has no active step.").format(
                    code=patient.code))
            result = progression.complete_early(session, step, today)
            return translate("PatientView", "The plan is finished.") if result.plan_finished \
                else translate("PatientView", "Step completed; the next step starts today.")

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
            raise RuleError(translate("PatientView", "Select a step first (this patient has "
                                      "no active step)."))
        return step

    def _running_step(self) -> StepInfo | None:
        """The active step as last shown (active, due or paused)."""
        return next((s for s in self.steps if s.state in ("active", "due", "paused")), None)

    def pause(self) -> None:
        from clinic_desktop.domain import progression

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
        self._change(lambda s, p, today: progression.pause_step(
            s, self._step_by_id(s, p, None), until, today),
            self.tr("Paused until {day}: the due date moves on by the days paused.").format(
                day=date_text(until)))

    def resume(self) -> None:
        from clinic_desktop.domain import progression

        self._change(lambda s, p, today: progression.resume_step(
            s, self._step_by_id(s, p, None), today))

    def duration(self) -> None:
        from clinic_desktop.domain import progression

        step_id = self._selected_step_id()
        days, ok = QInputDialog.getInt(self, self.tr("Step duration"), self.tr("Days:"), 14, 1,
                                       3650)
        if ok:
            self._change(lambda s, p, today: progression.set_duration(
                s, self._step_by_id(s, p, step_id), days))

    def move(self) -> None:
        from clinic_desktop.domain import progression

        step_id = self._selected_step_id()
        if step_id is None:
            show_error(self, self.tr("Select the step to move first."))
            return
        position, ok = QInputDialog.getInt(
            self, self.tr("Move step"), self.tr("New position among the steps that have not "
                                                "started (1 = next):"), 1, 1, 999)
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

        self._change(lambda s, p, today: translate(
            "PatientView", "Step {order} is active again.").format(
                order=progression.undo_last_progression(s, p).order))

    def remind(self) -> None:
        from clinic_desktop.domain.email_actions import queue_reminder_now

        step = self._running_step()
        if step is not None and step.state == "paused" and QMessageBox.question(
                self, self.tr("Photo reminder"),
                self.tr("Step {order} is paused. Send a photo reminder all the same?").format(
                    order=step.order),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            return
        self._change(lambda s, p, today: queue_reminder_now(s, p, today))

    def apply_plan(self) -> None:
        """The templates are read in a worker; the dialog opens with their names."""
        from clinic_desktop.domain import plans

        sessions = self.context.sessions

        def work() -> list[str]:
            with sessions() as session:
                return [t.name for t in plans.list_templates(session)]

        self.tasks.run(work, self._choose_plan, lambda m: show_error(self, m),
                       busy=[self.plan_button])

    def _choose_plan(self, names: list[str]) -> None:
        from clinic_desktop.domain import plans

        if not names:
            show_error(self, self.tr("There are no plan templates yet: make one in the Plan "
                                     "templates view."))
            return
        dialog = ApplyPlanDialog(names, self.today, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, start = dialog.values()
        self._change(lambda s, p, today: plans.apply_plan(
            s, p, plans.get_template(s, name), start) and None,
            self.tr("Plan “{name}” applied from {day}.").format(name=name,
                                                                day=date_text(start)))

    def edit(self) -> None:
        from clinic_desktop.ui.patients import PatientDialog

        dialog = PatientDialog(self.context, self.tasks, self, code=self.code)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.code = dialog.saved_code
            self.refresh()
            self.changed.emit()

    def confirm_address(self) -> None:
        from clinic_desktop.domain.bounces import confirm_address

        self._change(lambda session, patient, today: confirm_address(session, patient.code),
                     self.tr("The address is confirmed: emails go to it again. Those held "
                             "meanwhile can be sent from the Outbox (Retry)."))

    def import_photos(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Photos for {code}").format(code=self.code), "", photo_filter())
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
    from clinic_desktop.domain.photo_sets import held_photos
    from clinic_desktop.domain.steps import days_late, state

    with sessions() as session:
        zone = settings.clinic_zone(session)
        p = get_patient(session, code)
        details = {"email": p.email or "", "consent": p.email_consent, "phone": p.phone or "",
                   "language": p.language, "doctor": p.doctor.name if p.doctor else "",
                   "bouncing": (p.bounce_reason or "-") if p.is_bouncing else ""}
        steps = [StepInfo(s.id, s.order, s.name, s.start_date, s.due_date, s.duration_days,
                          state(s, today).value, days_late(s, today), s.plan_name)
                 for s in p.steps]
        notes = session.scalars(select(Notification).where(Notification.patient_id == p.id)
                                .order_by(Notification.id.desc())).all()
        audit = session.scalars(select(AuditEvent).where(AuditEvent.patient_id == p.id)
                                .order_by(AuditEvent.id.desc()).limit(500)).all()
        photos = session.scalars(select(Photo).where(Photo.patient_id == p.id)
                                 .order_by(Photo.taken_at, Photo.id)).all()
        held = {h.photo_id: h for h in held_photos(session, patient_id=p.id)}
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
            "zone": zone, "today": today,
            "emails": [{"id": n.id, "created": n.created_at, "kind": n.kind,
                        "status": n.status, "to": n.recipient, "subject": n.subject}
                       for n in notes],
            "audit": [{"at": a.at, "who": a.actor, "pc": a.host, "what": a.action,
                       "detail": a.detail or a.after} for a in audit],
            "photos": [{"id": ph.id, "sha256": ph.sha256, "step": step_heads.get(ph.step_id),
                        "taken_at": ph.taken_at, "name": ph.original_name,
                        "view": ph.view,
                        "taken_day": ph.taken_at.astimezone(zone).date() if ph.taken_at
                        else None,
                        "held": held[ph.id].issues if ph.id in held else [],
                        "retake": held[ph.id].retake_status if ph.id in held else "",
                        "completed": ph.completed_step,
                        "by_email": ph.mail_message_id is not None} for ph in photos],
        }


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

