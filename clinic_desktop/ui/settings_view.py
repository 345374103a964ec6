"""Settings: clinic, schedule, email (password to the keyring, test email), photos, doctors,
backups, and the email template editor with live preview."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

from clinic_desktop import autostart, secrets, settings
from clinic_desktop.db.backup import backup_sqlite, list_backups
from clinic_desktop.db.engine import sqlite_path
from clinic_desktop.domain import staff_changes
from clinic_desktop.domain.patients import list_doctors
from clinic_desktop.errors import ClinicError
from clinic_desktop.mail.imap import check_mailbox, load_imap_settings, password_for
from clinic_desktop.notify import render
from clinic_desktop.notify.delivery import send_test_email
from clinic_desktop.notify.message import load_logo
from clinic_desktop.ui.i18n import translate
from clinic_desktop.ui.qt import (
    QT_TRANSLATE_NOOP,
    QCheckBox,
    QComboBox,
    QFileDialog,
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
    QSpinBox,
    QSplitter,
    Qt,
    QTabWidget,
    QTextBrowser,
    QTime,
    QTimeEdit,
    QTimer,
    QToolButton,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)
from clinic_desktop.ui.tasks import TaskRunner
from clinic_desktop.ui.widgets import hint, show_error, show_info
from clinic_desktop.ui.words import choice, core_text, email_kind

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext

log = logging.getLogger(__name__)


def minimise_to_tray_setting() -> bool:
    value = QSettings().value("ui/minimize_to_tray", True)
    return value not in (False, "false", "0", 0)


GROUPS = [
    (QT_TRANSLATE_NOOP("SettingsView", "Clinic"),
     ["clinic.name", "clinic.phone", "clinic.email", "clinic.address", "clinic.logo",
      "clinic.timezone", "ui.language"]),
    (QT_TRANSLATE_NOOP("SettingsView", "Daily check and sending"),
     ["schedule.daily_time", "schedule.auto_progress", "send_window.start", "send_window.end"]),
    (QT_TRANSLATE_NOOP("SettingsView", "Mail server"),
     ["smtp.host", "smtp.port", "smtp.security", "smtp.username", "smtp.from", "smtp.reply_to",
      "smtp.ca_file", "smtp.timeout", "smtp.rate_per_minute", "smtp.max_attempts"]),
    (QT_TRANSLATE_NOOP("SettingsView", "Patients' replies (the clinic's mailbox)"),
     ["imap.host", "imap.port", "imap.security", "imap.username", "imap.folder",
      "imap.processed_folder"]),
    (QT_TRANSLATE_NOOP("SettingsView", "Notifications"),
     ["notify.doctor_mode", "notify.reminder_after_days", "notify.max_reminders",
      "notify.list_unsubscribe", "reports.late_after_days", "clinic.language",
      "export.csv_separator"]),
    (QT_TRANSLATE_NOOP("SettingsView", "Photos"),
     ["photos.library_dir", "photos.watch_folders", "photos.after_import",
      "photos.poll_seconds", "photos.stable_seconds", "photos.max_megapixels",
      "photos.code_pattern"]),
    (QT_TRANSLATE_NOOP("SettingsView", "Photo quality"),
     ["photos.min_sharpness", "photos.min_brightness",
      "photos.max_brightness", "photos.max_clipped",
      "photos.min_long_side"]),
]

# What each setting is called on the Settings screen (the key is for the command line only),
# and for a text field, an example of what to type.
LABELS = {
    "clinic.name": QT_TRANSLATE_NOOP("SettingsView", "The clinic's name, shown in emails"),
    "clinic.phone": QT_TRANSLATE_NOOP("SettingsView", "Phone number patients can call"),
    "clinic.email": QT_TRANSLATE_NOOP("SettingsView", "Address patients can write to"),
    "clinic.address": QT_TRANSLATE_NOOP("SettingsView", "Postal address, shown in email "
                                        "footers"),
    "clinic.logo": QT_TRANSLATE_NOOP("SettingsView", "Logo at the top of emails (PNG or JPEG, "
                                     "at most 1 MB; empty: no logo)"),
    "clinic.timezone": QT_TRANSLATE_NOOP("SettingsView", "Time zone of the clinic (for "
                                         "'today' and the daily check)"),
    "ui.language": QT_TRANSLATE_NOOP("SettingsView", "Language of the app (used from the next "
                                     "start)"),
    "schedule.daily_time": QT_TRANSLATE_NOOP("SettingsView", "Time of the daily check for "
                                             "finished steps"),
    "schedule.auto_progress": QT_TRANSLATE_NOOP("SettingsView", "The daily check also starts "
                                                "the next step without waiting for a photo"),
    "send_window.start": QT_TRANSLATE_NOOP("SettingsView", "Emails are sent from this time "
                                           "(empty: any time)"),
    "send_window.end": QT_TRANSLATE_NOOP("SettingsView", "Emails are sent until this time "
                                         "(empty: any time)"),
    "smtp.host": QT_TRANSLATE_NOOP("SettingsView", "Mail server"),
    "imap.host": QT_TRANSLATE_NOOP("SettingsView", "Mailbox server (empty: replies are not "
                                   "read)"),
    "imap.port": QT_TRANSLATE_NOOP("SettingsView", "Port of the mailbox server"),
    "imap.security": QT_TRANSLATE_NOOP("SettingsView", "Encryption of the mailbox connection"),
    "imap.username": QT_TRANSLATE_NOOP("SettingsView", "Mailbox account (user name)"),
    "imap.folder": QT_TRANSLATE_NOOP("SettingsView", "Folder that is read"),
    "imap.processed_folder": QT_TRANSLATE_NOOP("SettingsView", "Folder read mail is moved to "
                                               "(never deleted)"),
    "smtp.port": QT_TRANSLATE_NOOP("SettingsView", "Port of the mail server"),
    "smtp.security": QT_TRANSLATE_NOOP("SettingsView", "Encryption"),
    "smtp.username": QT_TRANSLATE_NOOP("SettingsView", "Mail account (user name)"),
    "smtp.from": QT_TRANSLATE_NOOP("SettingsView", "Sender address of patient emails"),
    "smtp.reply_to": QT_TRANSLATE_NOOP("SettingsView", "Where patients' replies go (empty: "
                                       "the sender address)"),
    "smtp.ca_file": QT_TRANSLATE_NOOP("SettingsView", "Extra certificate to trust (only for "
                                      "an in-house mail server)"),
    "smtp.timeout": QT_TRANSLATE_NOOP("SettingsView", "Seconds to wait for the mail server"),
    "smtp.rate_per_minute": QT_TRANSLATE_NOOP("SettingsView", "At most this many emails a "
                                              "minute (Gmail and Microsoft 365: about 30)"),
    "smtp.max_attempts": QT_TRANSLATE_NOOP("SettingsView", "Give up on an email after this "
                                           "many temporary failures"),
    "notify.doctor_mode": QT_TRANSLATE_NOOP("SettingsView", "Doctors hear about progress by"),
    "notify.reminder_after_days": QT_TRANSLATE_NOOP("SettingsView", "Remind a patient about "
                                                    "the photo after this many days"),
    "notify.max_reminders": QT_TRANSLATE_NOOP("SettingsView", "At most this many photo "
                                              "reminders per step (0: none)"),
    "notify.list_unsubscribe": QT_TRANSLATE_NOOP("SettingsView", "Where patients can opt out "
                                                 "of emails (address or link)"),
    "reports.late_after_days": QT_TRANSLATE_NOOP("SettingsView", "A step counts as late this "
                                                 "many days after its due date"),
    "clinic.language": QT_TRANSLATE_NOOP("SettingsView", "Language of emails to doctors "
                                         "(patients get their own)"),
    "export.csv_separator": QT_TRANSLATE_NOOP("SettingsView", "Column separator of exported "
                                              "CSV files"),
    "photos.library_dir": QT_TRANSLATE_NOOP("SettingsView", "Where imported photos are kept "
                                            "(empty: the data folder; may be a network share)"),
    "photos.watch_folders": QT_TRANSLATE_NOOP("SettingsView", "Folders watched for new photos "
                                              "(separated by ;)"),
    "photos.after_import": QT_TRANSLATE_NOOP("SettingsView", "A watched photo, once imported"),
    "photos.poll_seconds": QT_TRANSLATE_NOOP("SettingsView", "Seconds between looks into the "
                                             "watched folders"),
    "photos.stable_seconds": QT_TRANSLATE_NOOP("SettingsView", "Seconds a file must stay "
                                               "unchanged before it is taken"),
    "photos.max_megapixels": QT_TRANSLATE_NOOP("SettingsView", "Larger photos are refused "
                                               "(megapixels)"),
    "photos.min_sharpness": QT_TRANSLATE_NOOP(
        "SettingsView", "Hold photos as blurred below this sharpness (0 = never)"),
    "photos.min_brightness": QT_TRANSLATE_NOOP(
        "SettingsView", "Hold photos as too dark below this brightness in % (0 = never)"),
    "photos.max_brightness": QT_TRANSLATE_NOOP(
        "SettingsView", "Hold photos as too bright above this brightness in % (100 = never)"),
    "photos.max_clipped": QT_TRANSLATE_NOOP(
        "SettingsView", "Hold photos as overexposed when more than this % is pure white "
        "(100 = never)"),
    "photos.min_long_side": QT_TRANSLATE_NOOP(
        "SettingsView", "Hold photos as too small below this many pixels on the long side "
        "(0 = never)"),
    "photos.code_pattern": QT_TRANSLATE_NOOP("SettingsView", "How a patient code is found in "
                                             "a file or folder name (regular expression)"),
}

EXAMPLES = {
    "clinic.email": QT_TRANSLATE_NOOP("SettingsView", "e.g. reception@clinic.example"),
    "clinic.logo": QT_TRANSLATE_NOOP("SettingsView", "a PNG or JPEG file, or empty"),
    "clinic.timezone": QT_TRANSLATE_NOOP("SettingsView", "e.g. Europe/Berlin"),
    "schedule.daily_time": QT_TRANSLATE_NOOP("SettingsView", "e.g. 09:00"),
    "send_window.start": QT_TRANSLATE_NOOP("SettingsView", "e.g. 08:00, or empty"),
    "send_window.end": QT_TRANSLATE_NOOP("SettingsView", "e.g. 18:00, or empty"),
    "smtp.host": QT_TRANSLATE_NOOP("SettingsView", "e.g. smtp.office365.com"),
    "imap.host": QT_TRANSLATE_NOOP("SettingsView", "e.g. imap.gmail.com, or empty"),
    "imap.username": QT_TRANSLATE_NOOP("SettingsView", "e.g. replies@clinic.example"),
    "smtp.from": QT_TRANSLATE_NOOP("SettingsView", "e.g. reception@clinic.example"),
    "smtp.reply_to": QT_TRANSLATE_NOOP("SettingsView", "an email address, or empty"),
    "smtp.ca_file": QT_TRANSLATE_NOOP("SettingsView", "a PEM certificate file, or empty"),
    "notify.list_unsubscribe": QT_TRANSLATE_NOOP("SettingsView", "mailto:… or https://…, or "
                                                 "empty"),
    "photos.library_dir": QT_TRANSLATE_NOOP("SettingsView", "a folder, or empty"),
    "photos.watch_folders": QT_TRANSLATE_NOOP("SettingsView", "folders separated by ;"),
}

Field = QLineEdit | QComboBox | QSpinBox | QTimeEdit
TIMES = {"schedule.daily_time"}  # an hour and minute, never empty: a time box
CHOOSE_FILE = {"clinic.logo": QT_TRANSLATE_NOOP("SettingsView", "Images (*.png *.jpg *.jpeg)"),
               "smtp.ca_file": QT_TRANSLATE_NOOP("SettingsView",
                                                 "Certificates (*.pem *.crt *.cer)")}
CHOOSE_FOLDER = {"photos.library_dir"}
# The mailbox's encryption, with the mailbox's usual ports (SMTP's are 587 and 465).
MAILBOX_SECURITY = {"tls": QT_TRANSLATE_NOOP("SettingsView", "TLS from the start (usually "
                                             "port 993)"),
                    "starttls": QT_TRANSLATE_NOOP("SettingsView", "STARTTLS (usually port "
                                                  "143)")}


def zone_picker() -> QComboBox:
    """Every IANA time zone to pick from; typing finds one (Europe/Vienna, America/…)."""
    zones = QComboBox()
    zones.setEditable(True)
    zones.addItems(sorted(available_timezones()))
    zones.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    return zones


@dataclass(frozen=True)
class StoredSettings:
    """The settings form's values as stored, and the keyring's state (read in a worker)."""

    values: dict[str, str]
    problems: dict[str, str]  # what is wrong with a stored value now
    keyring_warning: str | None
    password_stored: bool


def read_settings(sessions: Any) -> StoredSettings:
    with sessions() as session:
        rows = settings.show_all(session)
        username = "" if next(r for r in rows if r.key == "smtp.username").problem \
            else str(settings.get(session, "smtp.username"))
    warning = secrets.backend_warning()
    return StoredSettings({r.key: r.value for r in rows},
                          {r.key: r.problem for r in rows if r.problem}, warning,
                          bool(username) and secrets.has_smtp_password(username))


def read_doctors(sessions: Any) -> list[tuple[str, str]]:
    """(name, email) of every doctor, by name."""
    with sessions() as session:
        return [(d.name, d.email) for d in list_doctors(session)]


def named_fields(sentence: str) -> str:
    """A sentence of the core with each setting key replaced by the field's label as shown:
    'smtp.port must be …' reads '“Port of the mail server” must be …'."""
    for key in sorted(LABELS, key=len, reverse=True):
        sentence = re.sub(rf"(?<![\w.]){re.escape(key)}(?!\w)",
                          f"“{translate('SettingsView', LABELS[key])}”", sentence)
    return sentence


class SettingsView(QWidget):
    changed = Signal()

    def __init__(self, context: AppContext, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        layout = QVBoxLayout(self)
        tabs = QTabWidget()
        layout.addWidget(tabs)
        self.loading = self.tr("Loading the settings…")
        tabs.addTab(self._settings_page(), self.tr("Settings"))
        tabs.addTab(TemplateEditor(context, tasks, self), self.tr("Email templates"))
        tabs.addTab(self._doctors_page(), self.tr("Doctors"))
        tabs.addTab(self._backup_page(), self.tr("Backups"))
        tabs.addTab(self._this_pc_page(), self.tr("This PC"))

    # --- settings form ------------------------------------------------------------------

    def _settings_page(self) -> QWidget:
        page = self.form_page = QWidget()
        outer = QVBoxLayout(page)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        inner = QWidget()
        column = QVBoxLayout(inner)
        self.fields: dict[str, Field] = {}
        self.errors: dict[str, QLabel] = {}
        self._shown: dict[str, str] = {}  # the stored values as last shown
        self._stored_problems: dict[str, str] = {}  # what is wrong with them now
        for title, keys in GROUPS:
            box = QGroupBox(self.tr(title))
            form = QFormLayout(box)
            for key in keys:
                field = self._field(settings.SPECS[key])
                field.setObjectName(key)
                error = QLabel("")
                error.setStyleSheet("color:#a4262c;")
                error.setWordWrap(True)
                error.hide()
                cell = QVBoxLayout()
                cell.addLayout(self._with_chooser(key, field))
                cell.addWidget(error)
                label = QLabel(self.tr(LABELS[key]))
                label.setWordWrap(True)
                label.setMinimumWidth(260)
                label.setBuddy(field)
                form.addRow(label, cell)
                self.fields[key], self.errors[key] = field, error
            if keys[0] == "smtp.host":
                self.password = QLineEdit()
                self.password.setEchoMode(QLineEdit.EchoMode.Password)
                self.password.setPlaceholderText(self.tr("leave empty to keep the stored "
                                                         "password"))
                password_label = QLabel(self.tr("Pass&word (kept in the system keyring, never "
                                                "shown again)"))
                password_label.setBuddy(self.password)
                # Wrapped like the other labels, or this one label widens the whole column.
                password_label.setWordWrap(True)
                password_label.setMinimumWidth(260)
                form.addRow(password_label, self.password)
                self.keyring_note = hint("")
                form.addRow(self.keyring_note)
                test_row = QHBoxLayout()
                self.test_to = QLineEdit()
                self.test_to.setPlaceholderText(self.tr("send the test email to…"))
                self.test_to.setAccessibleName(self.tr("Address for the test email"))
                test = QPushButton(self.tr("Send &test email"))
                test.clicked.connect(self.send_test)
                test_row.addWidget(self.test_to, 1)
                test_row.addWidget(test)
                form.addRow(test_row)
            if keys[0] == "imap.host":
                self.imap_password = QLineEdit()
                self.imap_password.setEchoMode(QLineEdit.EchoMode.Password)
                self.imap_password.setPlaceholderText(self.tr("leave empty to keep the stored "
                                                              "password"))
                imap_label = QLabel(self.tr("Mailbo&x password (kept in the system keyring, "
                                            "never shown again)"))
                imap_label.setBuddy(self.imap_password)
                imap_label.setWordWrap(True)
                imap_label.setMinimumWidth(260)
                form.addRow(imap_label, self.imap_password)
                check = QPushButton(self.tr("Test the ma&ilbox"))
                check.setToolTip(self.tr("Save, then connect, log in and open the folder"))
                check.clicked.connect(self.test_mailbox)
                form.addRow(check)
            column.addWidget(box)
        column.addStretch(1)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        self.status = hint("")
        buttons.addWidget(self.status, 1)
        save = QPushButton(self.tr("Sa&ve settings"))
        save.setDefault(True)
        save.clicked.connect(lambda _checked=False: self.save())
        buttons.addWidget(save)
        outer.addLayout(buttons)
        return page

    def refresh(self) -> None:
        """Load the form, the doctors and the backups in workers. The first time, the form
        cannot be typed in until its stored values are shown (they would overwrite what was
        typed); later it stays as it is, and a field changed meanwhile keeps what was typed
        (greying and un-greying the form's forty fields cost the window 15 ms each time
        Settings was opened)."""
        first = not self._shown
        if first:
            self.status.setText(self.loading)
        sessions = self.context.sessions
        load = self.tasks.op(lambda: read_settings(sessions), self).success(self._show_stored)
        (load.busy(self.form_page) if first else load).run()
        self._load_doctors()
        self._load_backups()

    def _show_stored(self, stored: StoredSettings) -> None:
        if self.status.text() == self.loading:
            self.status.setText("")
        self._stored_problems = {key: problem for key, problem in stored.problems.items()
                                 if key in self.fields}
        typed = {key for key, value in self._values().items()
                 if self._shown and value != self._shown[key]}
        for key, field in self.fields.items():
            if key not in typed:
                self._show_value(field, stored.values[key])
        # As shown: a damaged stored number the box cannot show is not "changed" by saving;
        # what was typed still is.
        self._shown = {**self._values(), **{key: self._shown[key] for key in typed}}
        self._show_problems({})
        if stored.keyring_warning:
            log.warning("%s", stored.keyring_warning)  # the technical detail, for IT
            self.keyring_note.setText(self.tr("This PC cannot keep the password safe (its "
                                              "password store does not encrypt, or there is "
                                              "none): ask your IT contact; the details are in "
                                              "the log file."))
        else:
            self.keyring_note.setText(self.tr("A password is stored for this account.")
                                      if stored.password_stored
                                      else self.tr("No password is stored yet."))

    def _field(self, spec: Any) -> Field:
        """A drop-down where the setting is a choice (the time zone: all of them, type to
        find one), a number box for a number, a time box for a time, else a line to type in
        (with an example)."""
        if spec.key == "clinic.timezone":
            return zone_picker()
        if spec.key in TIMES:
            clock = QTimeEdit()
            clock.setDisplayFormat("HH:mm")
            return clock
        if spec.choices:
            combo = QComboBox()
            for value in spec.choices:
                combo.addItem(self.tr(MAILBOX_SECURITY[value]) if spec.key == "imap.security"
                              else choice(value), value)
            return combo
        low, high = getattr(spec.parse, "low", None), getattr(spec.parse, "high", None)
        if low is not None and high is not None:
            number = QSpinBox()
            number.setRange(low, high)
            return number
        line = QLineEdit()
        if spec.key in EXAMPLES:
            line.setPlaceholderText(self.tr(EXAMPLES[spec.key]))
        return line

    def _with_chooser(self, key: str, field: Field) -> QHBoxLayout:
        """The field, and for a file or folder a button that opens the chooser."""
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field, 1)
        if isinstance(field, QLineEdit) and (key in CHOOSE_FILE or key in CHOOSE_FOLDER):
            button = QToolButton()
            button.setText("…")
            button.setAccessibleName(self.tr("Choose: {setting}").format(
                setting=self.tr(LABELS[key])))
            button.setToolTip(button.accessibleName())
            button.clicked.connect(lambda _checked=False: self._choose(key, field))
            row.addWidget(button)
        return row

    def _choose(self, key: str, field: QLineEdit) -> None:
        title = self.tr(LABELS[key])
        if key in CHOOSE_FOLDER:
            chosen = QFileDialog.getExistingDirectory(self, title, field.text())
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, title, field.text(),
                                                    self.tr(CHOOSE_FILE[key]))
        if chosen:
            field.setText(chosen)

    @staticmethod
    def _show_value(field: Field, value: str) -> None:
        if isinstance(field, QComboBox) and field.isEditable():
            field.setCurrentText(value)
        elif isinstance(field, QComboBox):
            field.setCurrentIndex(max(0, field.findData(value)))
        elif isinstance(field, QTimeEdit):
            shown = QTime.fromString(value.strip(), "HH:mm")
            if shown.isValid():  # a damaged stored value is named under the field
                field.setTime(shown)
        elif isinstance(field, QSpinBox):
            if value.strip().isdigit():  # a damaged stored value is named under the field
                field.setValue(int(value))
        else:
            field.setText(value)

    @staticmethod
    def _value(field: Field) -> str:
        if isinstance(field, QComboBox):
            return field.currentText() if field.isEditable() else str(field.currentData())
        if isinstance(field, QTimeEdit):
            return field.time().toString("HH:mm")
        if isinstance(field, QSpinBox):
            return str(field.value())
        return field.text()

    def _values(self) -> dict[str, str]:
        return {key: self._value(field) for key, field in self.fields.items()}

    def _show_problems(self, problems: dict[str, str]) -> None:
        """Red under each field: why its new value was refused, else what is wrong with the
        stored value (a logo deleted since it was set, say)."""
        for key, label in self.errors.items():
            text = core_text(problems.get(key) or self._stored_problems.get(key, ""))
            label.setVisible(bool(text))
            label.setText(text)

    def save(self, then: Callable[[], None] | None = None) -> None:
        """Check the changed fields together (settings.set_values, as the CLI does) and save
        nothing unless all are valid, in a worker; `then` runs once saved. Unchanged fields
        are not checked again: a stored value that went bad is already shown in red and must
        not block saving the others."""
        if self.tasks.running(self.form_page):  # loading, or saving already
            return
        values = self._values()
        changed = {key: raw for key, raw in values.items() if raw != self._shown.get(key)}
        sessions = self.context.sessions
        password, username = self.password.text(), values["smtp.username"].strip()
        imap_password, imap_user = self.imap_password.text(), values["imap.username"].strip()

        def work() -> tuple[dict[str, str], str]:
            """(the refused fields' problems, why the password was not stored)."""
            try:
                staff_changes.save_settings(sessions, changed)
            except settings.SettingsRefused as exc:
                return exc.problems, ""
            try:
                if password:
                    secrets.set_smtp_password(username, password)
                if imap_password:
                    secrets.set_mail_password(secrets.IMAP, imap_user, imap_password)
            except ClinicError as exc:
                return {}, str(exc)
            return {}, ""

        def done(answer: tuple[dict[str, str], str]) -> None:
            problems, password_problem = answer
            if problems:
                self._show_problems(problems)
                self.status.setText(self.tr("Not saved: %n field(s) need fixing (in red).",
                                            "", len(problems)))
                return
            self._shown.update(changed)  # stored now, whatever a reload meanwhile read
            self.password.clear()
            self.imap_password.clear()
            self.status.setText(self.tr("Settings saved."))
            self.refresh()
            self.changed.emit()
            if password_problem:
                show_error(self, password_problem)
            elif then is not None:
                then()

        self.status.setText(self.tr("Saving…"))
        self.tasks.op(work).success(done).failure(lambda m: (
            self.status.setText(self.tr("Not saved.")), show_error(self, m))) \
            .busy(self.form_page).run()

    def send_test(self) -> None:
        to = self.test_to.text().strip() or None

        def work() -> str:
            return send_test_email(self.context.sessions, to)

        def test() -> None:
            self.status.setText(self.tr("Connecting to the mail server…"))
            title = self.tr("Test email")
            self.tasks.op(work).success(lambda result: (
                self.status.setText(core_text(result)), show_info(self, result, title))) \
                .failure(lambda m: (self.status.setText(self.tr("The test failed.")),
                                    show_error(self, m, title))).busy(self.form_page).run()

        self.save(then=test)

    def test_mailbox(self) -> None:
        """Save, then connect to the clinic's mailbox as reading it will (mail/imap.py)."""
        sessions = self.context.sessions

        def work() -> str:
            with sessions() as session:
                config = load_imap_settings(session)
            return check_mailbox(config, password_for(config))

        def test() -> None:
            self.status.setText(self.tr("Connecting to the mailbox…"))
            title = self.tr("Mailbox test")
            self.tasks.op(work).success(lambda result: (
                self.status.setText(core_text(result)), show_info(self, result, title))) \
                .failure(lambda m: (self.status.setText(self.tr("The test failed.")),
                                    show_error(self, m, title))).busy(self.form_page).run()

        self.save(then=test)

    # --- doctors ------------------------------------------------------------------------

    def _doctors_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(hint(self.tr("Doctors get progress emails (per event or a daily "
                                      "digest, see Notifications). A doctor without an email "
                                      "address gets none.")))
        self.doctors = QTextBrowser()
        layout.addWidget(self.doctors, 1)
        self.doctors.setAccessibleName(self.tr("Doctors"))
        self.add_doctor_button = QPushButton(self.tr("&Add doctor…"))
        self.add_doctor_button.clicked.connect(self.add_doctor)
        layout.addWidget(self.add_doctor_button, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def _load_doctors(self) -> None:
        sessions = self.context.sessions
        self.tasks.op(lambda: read_doctors(sessions), self).success(
            lambda doctors: self.doctors.setPlainText(
            "\n".join(f"{name} — {email or self.tr('no email')}" for name, email in doctors)
            or self.tr("No doctors yet."))).run()

    def add_doctor(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Add doctor"), self.tr("Name:"))
        if not ok or not name.strip():
            return
        email, ok = QInputDialog.getText(self, self.tr("Add doctor"),
                                         self.tr("Email (may be empty):"))
        if not ok:
            return
        sessions = self.context.sessions
        self.tasks.op(lambda: staff_changes.add_doctor(sessions, name, email), self) \
            .success(lambda _none: self._load_doctors()) \
            .busy(self.add_doctor_button).run()

    # --- this PC (per-user, not shared through the database) ---------------------------

    def _this_pc_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(hint(self.tr("These choices are for this PC and this Windows user "
                                      "only.")))
        self.close_to_tray = QCheckBox(self.tr("&Closing the window keeps the notifier running "
                                               "in the notification area"))
        self.close_to_tray.setChecked(minimise_to_tray_setting())
        self.close_to_tray.toggled.connect(
            lambda on: QSettings().setValue("ui/minimize_to_tray", on))
        self.close_to_tray.toggled.connect(self.changed)
        layout.addWidget(self.close_to_tray)
        self.at_login = QCheckBox(self.tr("&Start the notifier when I log in to this PC"))
        self.at_login.setChecked(autostart.is_enabled())
        self.at_login.toggled.connect(self._set_autostart)
        layout.addWidget(self.at_login)
        layout.addStretch(1)
        return page

    def _set_autostart(self, on: bool) -> None:
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
        layout.addWidget(hint(self.tr(
            "Backups are kept in {folder} (the newest 10). One is taken automatically before "
            "every database upgrade.\n\nTo restore: close Clinic Desktop on every PC, delete "
            "clinic.sqlite3-wal and clinic.sqlite3-shm in the data folder if they exist, copy "
            "the backup over clinic.sqlite3, and start again. A clinic on PostgreSQL backs up "
            "with the server's tools (pg_dump).").format(folder=folder)))
        self.backup_list = QPlainTextEdit()
        self.backup_list.setReadOnly(True)
        self.backup_list.setAccessibleName(self.tr("Backups"))
        layout.addWidget(self.backup_list, 1)
        self.backup_button = QPushButton(self.tr("&Back up now"))
        self.backup_button.clicked.connect(self.backup_now)
        layout.addWidget(self.backup_button, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def _load_backups(self) -> None:
        """The folder may be on a slow share: listed in a worker."""
        folder = self.context.paths.backup_dir
        self.tasks.op(lambda: [p.name for p in reversed(list_backups(folder))], self).success(
            lambda names: self.backup_list.setPlainText(
                "\n".join(names) or self.tr("No backups yet."))).run()

    def backup_now(self) -> None:

        db_file = sqlite_path(str(self.context.engine.url))
        if db_file is None:
            show_error(self, self.tr("This clinic uses PostgreSQL: back it up with the "
                                     "server's tools (pg_dump)."))
            return
        folder = self.context.paths.backup_dir
        self.tasks.op(lambda: backup_sqlite(Path(db_file), folder), self).success(
            lambda path: (self._load_backups(), show_info(self, self.tr(
                "Backup written: {path}").format(path=path)))).busy(self.backup_button).run()


class _EmailPreview(QTextBrowser):
    """Shows the email's HTML with the clinic's logo where the email has `cid:logo` (the logo
    travels inside the email; without this the preview shows a broken image)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.logo: QImage | None = None

    def set_logo(self, data: bytes | None) -> None:
        self.logo = QImage.fromData(data) if data else None

    def loadResource(self, kind: int, url: QUrl) -> Any:
        if url.scheme() == "cid" and self.logo is not None and not self.logo.isNull():
            return self.logo
        return super().loadResource(kind, url)


def preview_html(kind: str, language: str, sources: dict[str, str]) -> tuple[str, str]:
    """(why the template is not valid yet, or "", and the email as HTML): a template takes
    a tenth of a second to compile, so this runs in a worker."""
    try:
        render.check_template(kind, language, sources)
    except ClinicError as exc:
        return str(exc), ""
    email = render.TemplateSet({(kind, language): sources}).render(
        kind, language, render.sample_contexts(kind)[0])
    return "", f"<p><b>{email.subject}</b></p>" + email.html


def read_template(sessions: Any, kind: str, language: str) -> tuple[dict[str, str],
                                                                   bytes | None]:
    """The template's sources as saved (else the default) and the clinic's logo for the
    preview (runs in a worker: the logo may be on a share)."""
    with sessions() as session:
        sources = render.template_source(session, kind, language)
        path = settings.get_text(session, "clinic.logo")
    try:
        logo, _subtype = load_logo(path)
    except ClinicError:
        logo = None  # the settings page names the problem
    return sources, logo


class TemplateEditor(QWidget):
    """Edit a template with a live preview on sample data; broken templates are refused."""

    def __init__(self, context: AppContext, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.kind = QComboBox()
        for kind in render.KINDS:
            self.kind.addItem(email_kind(kind), kind)
        self.language = QComboBox()
        for language in render.available_languages():
            self.language.addItem(choice(language), language)
        # Not the first alphabetically.
        self.language.setCurrentIndex(self.language.findData(render.DEFAULT_LANGUAGE))
        for text, field in ((self.tr("E&mail:"), self.kind),
                            (self.tr("&Language:"), self.language)):
            label = QLabel(text)
            label.setBuddy(field)
            top.addWidget(label)
            top.addWidget(field)
        top.addStretch(1)
        for text, slot in ((self.tr("Save &template"), self.save),
                           (self.tr("Back to &default"), self.reset)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            top.addWidget(button)
        layout.addLayout(top)
        subject_row = QHBoxLayout()
        subject = QLabel(self.tr("S&ubject:"))
        self.subject = QLineEdit()
        subject.setBuddy(self.subject)
        subject_row.addWidget(subject)
        subject_row.addWidget(self.subject, 1)
        layout.addLayout(subject_row)
        splitter = QSplitter()
        editors = QTabWidget()
        self.text = QPlainTextEdit()
        self.html = QPlainTextEdit()
        self.text.setAccessibleName(self.tr("Plain text of the email"))
        self.html.setAccessibleName(self.tr("HTML of the email"))
        editors.addTab(self.text, self.tr("Text"))
        editors.addTab(self.html, self.tr("HTML"))
        splitter.addWidget(editors)
        self.preview = _EmailPreview()
        self.preview.setAccessibleName(self.tr("Preview of the email"))
        splitter.addWidget(self.preview)
        layout.addWidget(splitter, 1)
        self.problem = QLabel("")
        self.problem.setStyleSheet("color:#a4262c;")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        self.kind.currentIndexChanged.connect(lambda _i: self.load())
        self.language.currentIndexChanged.connect(lambda _i: self.load())
        # While typing, the preview follows a moment after the last key.
        self._typed = QTimer(self)
        self._typed.setSingleShot(True)
        self._typed.setInterval(250)
        self._typed.timeout.connect(self.render_preview)
        for editor in (self.text, self.html):
            editor.textChanged.connect(self._typed.start)
        self.subject.textChanged.connect(self._typed.start)
        self._previews = 0  # answers to an older preview are dropped
        self._loaded = False  # filled when first shown: rendering previews costs the window's
        # start half a second of CPU, for a tab most days nobody opens

    def showEvent(self, event: Any) -> None:
        if not self._loaded:
            self._loaded = True
            self.load()
        super().showEvent(event)

    def _sources(self) -> dict[str, str]:
        return {"subject": self.subject.text(), "text": self.text.toPlainText(),
                "html": self.html.toPlainText()}

    def load(self) -> None:
        """The chosen template, read in a worker; nothing can be edited until it is shown."""
        kind, lang, sessions = self.kind.currentData(), self.language.currentData(), \
            self.context.sessions
        self.problem.setText(self.tr("Loading the template…"))
        self.tasks.op(lambda: read_template(sessions, kind, lang)).success(self._show_sources) \
            .failure(lambda m: (self.problem.setText(""), show_error(self, m))).busy(self).run()

    def _show_sources(self, answer: tuple[dict[str, str], bytes | None]) -> None:
        sources, logo = answer
        self.preview.set_logo(logo)
        fields = (self.subject, self.text, self.html)
        for field in fields:
            field.blockSignals(True)  # one preview for the three, at once
        self.subject.setText(sources["subject"].strip())
        self.text.setPlainText(sources["text"])
        self.html.setPlainText(sources["html"])
        for field in fields:
            field.blockSignals(False)
        self.render_preview()

    def render_preview(self) -> None:
        self._typed.stop()
        self._previews += 1
        preview, kind, lang = self._previews, self.kind.currentData(), \
            self.language.currentData()

        def show(answer: tuple[str, str]) -> None:
            if preview != self._previews:
                return  # typed on since
            problem, html = answer
            if problem:
                self.problem.setText(self.tr("Not valid yet: {problem}").format(
                    problem=core_text(problem)))
            else:
                self.problem.setText("")
                self.preview.setHtml(html)

        sources = self._sources()
        self.tasks.op(lambda: preview_html(kind, lang, sources), self).success(show).run()

    def save(self) -> None:
        kind, lang, sources = self.kind.currentData(), self.language.currentData(), \
            self._sources()
        sessions = self.context.sessions
        self.tasks.op(lambda: staff_changes.save_email_template(sessions, kind, lang, sources)) \
            .success(lambda _none: show_info(self, self.tr(
                "Template saved; new emails use it."))) \
            .failure(lambda m: show_error(self, self.tr(
                "The template was not saved: {problem}").format(problem=m))) \
            .busy(self).run()

    def reset(self) -> None:
        kind, lang, sessions = self.kind.currentData(), self.language.currentData(), \
            self.context.sessions
        self.tasks.op(lambda: staff_changes.reset_email_template(sessions, kind, lang), self) \
            .success(lambda _none: self.load()).busy(self).run()
