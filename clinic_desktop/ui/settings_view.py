"""Settings: clinic, schedule, email (password to the keyring, test email), photos, doctors,
backups, and the email template editor with live preview."""

from __future__ import annotations

from typing import Any

from clinic_desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QImage,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSettings,
    QSplitter,
    Qt,
    QTabWidget,
    QTextBrowser,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)
from clinic_desktop.ui.tasks import TaskRunner
from clinic_desktop.ui.widgets import hint, show_error, show_info


def minimise_to_tray_setting() -> bool:
    value = QSettings().value("ui/minimize_to_tray", True)
    return value not in (False, "false", "0", 0)


GROUPS = [
    ("Clinic", ["clinic.name", "clinic.phone", "clinic.email", "clinic.address", "clinic.logo",
                "clinic.timezone"]),
    ("Daily check and sending", ["schedule.daily_time", "schedule.auto_progress",
                                 "send_window.start", "send_window.end"]),
    ("Mail server", ["smtp.host", "smtp.port", "smtp.security", "smtp.username", "smtp.from",
                     "smtp.reply_to", "smtp.ca_file", "smtp.timeout", "smtp.rate_per_minute",
                     "smtp.max_attempts"]),
    ("Notifications", ["notify.doctor_mode", "notify.reminder_after_days",
                       "notify.max_reminders", "notify.list_unsubscribe",
                       "reports.late_after_days", "clinic.language",
                       "export.csv_separator"]),
    ("Photos", ["photos.library_dir", "photos.watch_folders", "photos.after_import",
                "photos.poll_seconds", "photos.stable_seconds", "photos.max_megapixels",
                "photos.code_pattern"]),
]


class SettingsView(QWidget):
    changed = Signal()

    def __init__(self, context: Any, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        layout = QVBoxLayout(self)
        tabs = QTabWidget()
        layout.addWidget(tabs)
        tabs.addTab(self._settings_page(), "Settings")
        tabs.addTab(TemplateEditor(context, self), "Email templates")
        tabs.addTab(self._doctors_page(), "Doctors")
        tabs.addTab(self._backup_page(), "Backups")
        tabs.addTab(self._this_pc_page(), "This PC")

    # --- settings form ------------------------------------------------------------------

    def _settings_page(self) -> QWidget:
        from clinic_desktop import settings

        page = QWidget()
        outer = QVBoxLayout(page)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        inner = QWidget()
        column = QVBoxLayout(inner)
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        self.errors: dict[str, QLabel] = {}
        self._shown: dict[str, str] = {}  # the stored values as last shown
        self._stored_problems: dict[str, str] = {}  # what is wrong with them now
        for title, keys in GROUPS:
            box = QGroupBox(title)
            form = QFormLayout(box)
            for key in keys:
                spec = settings.SPECS[key]
                field: QLineEdit | QComboBox
                if spec.choices:
                    field = QComboBox()
                    field.addItems(list(spec.choices))
                else:
                    field = QLineEdit()
                    field.setPlaceholderText(spec.allowed)
                field.setToolTip(f"{key}: {spec.description}")
                field.setObjectName(key)
                error = QLabel("")
                error.setStyleSheet("color:#a4262c;")
                error.setWordWrap(True)
                error.hide()
                cell = QVBoxLayout()
                cell.addWidget(field)
                cell.addWidget(error)
                label = QLabel(spec.description)
                label.setWordWrap(True)
                label.setMinimumWidth(260)
                form.addRow(label, cell)
                self.fields[key], self.errors[key] = field, error
            if title == "Mail server":
                self.password = QLineEdit()
                self.password.setEchoMode(QLineEdit.EchoMode.Password)
                self.password.setPlaceholderText("leave empty to keep the stored password")
                password_label = QLabel("Password (kept in the system keyring, never shown "
                                        "again)")
                # Wrapped like the other labels, or this one label widens the whole column.
                password_label.setWordWrap(True)
                password_label.setMinimumWidth(260)
                form.addRow(password_label, self.password)
                self.keyring_note = hint("")
                form.addRow(self.keyring_note)
                test_row = QHBoxLayout()
                self.test_to = QLineEdit()
                self.test_to.setPlaceholderText("send the test email to…")
                test = QPushButton("Send test email")
                test.clicked.connect(self.send_test)
                test_row.addWidget(self.test_to, 1)
                test_row.addWidget(test)
                form.addRow(test_row)
            column.addWidget(box)
        column.addStretch(1)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        self.status = hint("")
        buttons.addWidget(self.status, 1)
        save = QPushButton("Save settings")
        save.setDefault(True)
        save.clicked.connect(self.save)
        buttons.addWidget(save)
        outer.addLayout(buttons)
        return page

    def refresh(self) -> None:
        from clinic_desktop import secrets, settings

        with self.context.sessions() as session:
            rows = {r.key: r for r in settings.show_all(session)}
            username = settings.get(session, "smtp.username") if not rows[
                "smtp.username"].problem else ""
        self._shown = {key: rows[key].value for key in self.fields}
        self._stored_problems = {key: rows[key].problem for key in self.fields
                                 if rows[key].problem}
        for key, field in self.fields.items():
            value = rows[key].value
            if isinstance(field, QComboBox):
                field.setCurrentText(value)
            else:
                field.setText(value)
        self._show_problems({})
        warning = secrets.backend_warning()
        stored = username and secrets.has_smtp_password(username)
        self.keyring_note.setText(warning or ("A password is stored for this account." if stored
                                              else "No password is stored yet."))

    def _values(self) -> dict[str, str]:
        return {key: (f.currentText() if isinstance(f, QComboBox) else f.text())
                for key, f in self.fields.items()}

    def _show_problems(self, problems: dict[str, str]) -> None:
        """Red under each field: why its new value was refused, else what is wrong with the
        stored value (a logo deleted since it was set, say)."""
        for key, label in self.errors.items():
            text = problems.get(key) or self._stored_problems.get(key, "")
            label.setVisible(bool(text))
            label.setText(text)

    def save(self) -> bool:
        """Check the changed fields together (settings.set_values, as the CLI does); save
        nothing unless all are valid. Unchanged fields are not checked again: a stored value
        that went bad is already shown in red and must not block saving the others."""
        from clinic_desktop import secrets, settings
        from clinic_desktop.db.engine import write_session
        from clinic_desktop.errors import ClinicError

        values = self._values()
        changed = {key: raw for key, raw in values.items() if raw != self._shown.get(key)}
        try:
            with write_session(self.context.sessions) as session:
                settings.set_values(session, changed)
        except settings.SettingsRefused as exc:
            self._show_problems(exc.problems)
            self.status.setText(f"Not saved: {len(exc.problems)} field(s) need fixing "
                                "(in red).")
            return False
        if self.password.text():
            try:
                secrets.set_smtp_password(values["smtp.username"].strip(), self.password.text())
            except ClinicError as exc:
                show_error(self, str(exc))
                return False
            finally:
                self.password.clear()
        self.status.setText("Settings saved.")
        self.refresh()
        self.changed.emit()
        return True

    def send_test(self) -> None:
        if not self.save():
            return
        to = self.test_to.text().strip() or None

        def work() -> str:
            from clinic_desktop.notify.delivery import send_test_email

            return send_test_email(self.context.sessions, to)

        self.status.setText("Connecting to the mail server…")
        self.tasks.run(work, lambda result: (self.status.setText(result),
                                             show_info(self, result, "Test email")),
                       lambda m: (self.status.setText("The test failed."),
                                  show_error(self, m, "Test email")))

    # --- doctors ------------------------------------------------------------------------

    def _doctors_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(hint("Doctors get progress emails (per event or a daily digest, see "
                              "Notifications). A doctor without an email address gets none."))
        self.doctors = QTextBrowser()
        layout.addWidget(self.doctors, 1)
        add = QPushButton("Add doctor…")
        add.clicked.connect(self.add_doctor)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        self._load_doctors()
        return page

    def _load_doctors(self) -> None:
        from sqlalchemy import select

        from clinic_desktop.db.models import Doctor

        with self.context.sessions() as session:
            doctors = session.scalars(select(Doctor).order_by(Doctor.name)).all()
            self.doctors.setPlainText("\n".join(f"{d.name} — {d.email or 'no email'}"
                                                for d in doctors) or "No doctors yet.")

    def add_doctor(self) -> None:
        from clinic_desktop.db.engine import write_session
        from clinic_desktop.domain.patients import add_doctor
        from clinic_desktop.errors import ClinicError

        name, ok = QInputDialog.getText(self, "Add doctor", "Name:")
        if not ok or not name.strip():
            return
        email, ok = QInputDialog.getText(self, "Add doctor", "Email (may be empty):")
        if not ok:
            return
        try:
            with write_session(self.context.sessions) as session:
                add_doctor(session, name, email)
        except ClinicError as exc:
            show_error(self, str(exc))
        self._load_doctors()

    # --- this PC (per-user, not shared through the database) ---------------------------

    def _this_pc_page(self) -> QWidget:
        from clinic_desktop import autostart

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(hint("These choices are for this PC and this Windows user only."))
        self.close_to_tray = QCheckBox("Closing the window keeps the notifier running in the "
                                       "notification area")
        self.close_to_tray.setChecked(minimise_to_tray_setting())
        self.close_to_tray.toggled.connect(
            lambda on: QSettings().setValue("ui/minimize_to_tray", on))
        self.close_to_tray.toggled.connect(self.changed)
        layout.addWidget(self.close_to_tray)
        self.at_login = QCheckBox("Start the notifier when I log in to this PC")
        self.at_login.setChecked(autostart.is_enabled())
        self.at_login.toggled.connect(self._set_autostart)
        layout.addWidget(self.at_login)
        layout.addStretch(1)
        return page

    def _set_autostart(self, on: bool) -> None:
        from clinic_desktop import autostart
        from clinic_desktop.errors import ClinicError

        try:
            message = autostart.enable() if on else autostart.disable()
        except (ClinicError, OSError) as exc:
            show_error(self, str(exc))
            self.at_login.blockSignals(True)
            self.at_login.setChecked(autostart.is_enabled())
            self.at_login.blockSignals(False)
            return
        self.status.setText(message)

    # --- backups ------------------------------------------------------------------------

    def _backup_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        folder = self.context.paths.backup_dir
        layout.addWidget(hint(
            f"Backups are kept in {folder} (the newest 10). One is taken automatically before "
            "every database upgrade.\n\nTo restore: close Clinic Desktop on every PC, delete "
            "clinic.sqlite3-wal and clinic.sqlite3-shm in the data folder if they exist, copy "
            "the backup over clinic.sqlite3, and start again. A clinic on PostgreSQL backs up "
            "with the server's tools (pg_dump)."))
        self.backup_list = QPlainTextEdit()
        self.backup_list.setReadOnly(True)
        layout.addWidget(self.backup_list, 1)
        now = QPushButton("Back up now")
        now.clicked.connect(self.backup_now)
        layout.addWidget(now, 0, Qt.AlignmentFlag.AlignLeft)
        self._load_backups()
        return page

    def _load_backups(self) -> None:
        from clinic_desktop.db.backup import list_backups

        backups = list_backups(self.context.paths.backup_dir)
        self.backup_list.setPlainText("\n".join(p.name for p in reversed(backups))
                                      or "No backups yet.")

    def backup_now(self) -> None:
        from pathlib import Path

        from clinic_desktop.db.backup import backup_sqlite
        from clinic_desktop.db.engine import sqlite_path

        db_file = sqlite_path(str(self.context.engine.url))
        if db_file is None:
            show_error(self, "This clinic uses PostgreSQL: back it up with the server's tools "
                       "(pg_dump).")
            return
        folder = self.context.paths.backup_dir
        self.tasks.run(lambda: backup_sqlite(Path(db_file), folder),
                       lambda path: (self._load_backups(),
                                     show_info(self, f"Backup written: {path}")),
                       lambda m: show_error(self, m))


class _EmailPreview(QTextBrowser):
    """Shows the email's HTML with the clinic's logo where the email has `cid:logo` (the logo
    travels inside the email; without this the preview shows a broken image)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.logo: QImage | None = None

    def load_logo(self, context: Any) -> None:
        from clinic_desktop import settings
        from clinic_desktop.errors import ClinicError
        from clinic_desktop.notify.message import load_logo

        with context.sessions() as session:
            path = settings.get_text(session, "clinic.logo")
        try:
            data, _subtype = load_logo(path)
        except ClinicError:
            data = None  # the settings page names the problem
        self.logo = QImage.fromData(data) if data else None

    def loadResource(self, kind: int, url: QUrl) -> Any:
        if url.scheme() == "cid" and self.logo is not None and not self.logo.isNull():
            return self.logo
        return super().loadResource(kind, url)


class TemplateEditor(QWidget):
    """Edit a template with a live preview on sample data; broken templates are refused."""

    def __init__(self, context: Any, parent: QWidget | None = None):
        from clinic_desktop.notify import render

        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.addItems(list(render.KINDS))
        self.language = QComboBox()
        self.language.addItems(render.available_languages())
        self.language.setCurrentText(render.DEFAULT_LANGUAGE)  # not the first alphabetically
        top.addWidget(QLabel("Email:"))
        top.addWidget(self.kind)
        top.addWidget(QLabel("Language:"))
        top.addWidget(self.language)
        top.addStretch(1)
        for text, slot in (("Save", self.save), ("Back to default", self.reset)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            top.addWidget(button)
        layout.addLayout(top)
        self.subject = QLineEdit()
        layout.addWidget(self.subject)
        splitter = QSplitter()
        editors = QTabWidget()
        self.text = QPlainTextEdit()
        self.html = QPlainTextEdit()
        editors.addTab(self.text, "Text")
        editors.addTab(self.html, "HTML")
        splitter.addWidget(editors)
        self.preview = _EmailPreview()
        splitter.addWidget(self.preview)
        layout.addWidget(splitter, 1)
        self.problem = QLabel("")
        self.problem.setStyleSheet("color:#a4262c;")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        self.kind.currentIndexChanged.connect(lambda _i: self.load())
        self.language.currentIndexChanged.connect(lambda _i: self.load())
        for editor in (self.text, self.html):
            editor.textChanged.connect(self.render_preview)
        self.subject.textChanged.connect(self.render_preview)
        self.load()

    def _sources(self) -> dict[str, str]:
        return {"subject": self.subject.text(), "text": self.text.toPlainText(),
                "html": self.html.toPlainText()}

    def load(self) -> None:
        from sqlalchemy import select

        from clinic_desktop.db.models import EmailTemplate
        from clinic_desktop.notify import render

        kind, lang = self.kind.currentText(), self.language.currentText()
        with self.context.sessions() as session:
            row = session.scalar(select(EmailTemplate).where(EmailTemplate.kind == kind,
                                                             EmailTemplate.language == lang))
        sources = ({"subject": row.subject, "text": row.body_text, "html": row.body_html}
                   if row else render.default_source(kind, lang))
        self.preview.load_logo(self.context)
        self.subject.setText(sources["subject"].strip())
        self.text.setPlainText(sources["text"])
        self.html.setPlainText(sources["html"])
        self.render_preview()

    def render_preview(self) -> None:
        from clinic_desktop.errors import ClinicError
        from clinic_desktop.notify import render

        kind, lang = self.kind.currentText(), self.language.currentText()
        try:
            render.check_template(kind, lang, self._sources())
        except ClinicError as exc:
            self.problem.setText(f"Not valid yet: {exc}")
            return
        self.problem.setText("")
        email = render.TemplateSet({(kind, lang): self._sources()}).render(
            kind, lang, render.sample_contexts(kind)[0])
        self.preview.setHtml(f"<p><b>{email.subject}</b></p>" + email.html)

    def save(self) -> None:
        from clinic_desktop import audit
        from clinic_desktop.db.engine import write_session
        from clinic_desktop.errors import ClinicError
        from clinic_desktop.notify import render

        try:
            with write_session(self.context.sessions) as session:
                render.save_template(session, self.kind.currentText(),
                                     self.language.currentText(), self._sources(),
                                     audit.actor_name())
        except ClinicError as exc:
            show_error(self, f"The template was not saved: {exc}")
            return
        show_info(self, "Template saved; new emails use it.")

    def reset(self) -> None:
        from clinic_desktop.db.engine import write_session
        from clinic_desktop.notify import render

        with write_session(self.context.sessions) as session:
            render.reset_template(session, self.kind.currentText(), self.language.currentText())
        self.load()
