"""First run: clinic name, mail server, photo folders, then the demo clinic or an empty one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clinic_desktop import secrets, settings
from clinic_desktop.demo import set_up_clinic
from clinic_desktop.domain.patients import clinic_is_new
from clinic_desktop.ui.i18n import translate
from clinic_desktop.ui.qt import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from clinic_desktop.ui.settings_view import zone_picker
from clinic_desktop.ui.tasks import TaskRunner
from clinic_desktop.ui.widgets import fit_to_screen, hint
from clinic_desktop.ui.words import choice, core_text

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext


def needs_setup(context: AppContext) -> bool:
    """A brand-new data folder: no clinic name stored and no patients. Asked once at start,
    before any window is shown (like the migrations): nothing can freeze yet."""
    with context.sessions() as session:
        return clinic_is_new(session)


def _folder_row(edit: QLineEdit, parent: QWidget, button: str) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    browse = QPushButton(button)
    browse.setAccessibleName(translate("SetupWizard", "Choose a folder for: {field}").format(
        field=edit.accessibleName()))
    browse.clicked.connect(lambda: edit.setText(QFileDialog.getExistingDirectory(
        parent, translate("SetupWizard", "Choose a folder"), edit.text()) or edit.text()))
    row.addWidget(browse)
    return row


class SetupWizard(QWizard):
    def __init__(self, context: AppContext, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        self.setWindowTitle(self.tr("Welcome to Clinic Desktop"))
        self.problems: list[str] = []

        clinic = QWizardPage()
        clinic.setTitle(self.tr("Your clinic"))
        clinic.setSubTitle(self.tr("Shown to patients in every email."))
        form = QFormLayout(clinic)
        self.name = QLineEdit()
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.zone = zone_picker()
        self.zone.setCurrentText(settings.local_zone_name())
        form.addRow(self.tr("&Clinic name"), self.name)
        form.addRow(self.tr("&Phone"), self.phone)
        form.addRow(self.tr("&Email for patients"), self.email)
        form.addRow(self.tr("&Time zone"), self.zone)
        clinic.registerField("name*", self.name)
        self.addPage(clinic)

        mail = QWizardPage()
        mail.setTitle(self.tr("Sending email"))
        mail.setSubTitle(self.tr("You can leave this empty and set it up later in Settings."))
        form = QFormLayout(mail)
        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("e.g. smtp.gmail.com or smtp.office365.com"))
        self.port = QLineEdit("587")
        self.security = QComboBox()
        for value in ("starttls", "tls", "none"):
            self.security.addItem(choice(value), value)
        self.username = QLineEdit()
        self.sender = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for label, widget in ((self.tr("&Mail server"), self.host), (self.tr("P&ort"), self.port),
                              (self.tr("En&cryption"), self.security),
                              (self.tr("&Account"), self.username),
                              (self.tr("&Sender address"), self.sender),
                              (self.tr("Pass&word"), self.password)):
            form.addRow(label, widget)
        form.addRow(hint(self.tr("Gmail needs an app password; Microsoft 365 needs SMTP AUTH "
                                 "enabled for the mailbox. The password is kept in this PC's "
                                 "keyring.")))
        self.addPage(mail)

        photos = QWizardPage()
        photos.setTitle(self.tr("Photos"))
        form = QFormLayout(photos)
        self.library = QLineEdit(str(context.paths.photo_dir))
        self.watch = QLineEdit()
        self.watch.setPlaceholderText(self.tr("optional: a folder where patients' photos "
                                              "arrive"))
        self.library.setAccessibleName(self.tr("Keep photos in"))
        self.watch.setAccessibleName(self.tr("Watch this folder"))
        library_label = QLabel(self.tr("&Keep photos in"))
        library_label.setBuddy(self.library)
        watch_label = QLabel(self.tr("&Watch this folder"))
        watch_label.setBuddy(self.watch)
        # Two buttons with one word, each with its own shortcut letter.
        form.addRow(library_label, _folder_row(self.library, self, self.tr("C&hoose…")))
        form.addRow(watch_label, _folder_row(self.watch, self, self.tr("Ch&oose…")))
        form.addRow(hint(self.tr("Photos named like P00123_front.jpg, or in a folder named "
                                 "P00123, find their patient by themselves.")))
        self.addPage(photos)

        start = QWizardPage()
        start.setTitle(self.tr("Start"))
        layout = QVBoxLayout(start)
        self.demo = QRadioButton(self.tr("Start with the &demo clinic (30 sample patients at "
                                         "every stage, to try everything out)"))
        self.empty = QRadioButton(self.tr("Start with an &empty clinic"))
        self.empty.setChecked(True)
        layout.addWidget(self.demo)
        layout.addWidget(self.empty)
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        self.addPage(start)
        # Room for the longest page (mail server, with its help text) in either language.
        fit_to_screen(self, 720, 560)

    def values(self) -> dict[str, str]:
        values = {"clinic.name": self.name.text(), "clinic.phone": self.phone.text(),
                  "clinic.email": self.email.text(), "clinic.timezone": self.zone.currentText(),
                  "photos.watch_folders": self.watch.text()}
        if self.library.text() != str(self.context.paths.photo_dir):
            values["photos.library_dir"] = self.library.text()
        if self.host.text().strip():
            values.update({"smtp.host": self.host.text(), "smtp.port": self.port.text(),
                           "smtp.security": self.security.currentData(),
                           "smtp.username": self.username.text(),
                           "smtp.from": self.sender.text()})
        return values

    def accept(self) -> None:
        """Finish: everything is checked and written in a worker; the wizard closes when it
        is saved, and stays on its last page with what to fix when it is not."""
        if not self.tasks.running(self):
            self.apply()

    def reject(self) -> None:
        if not self.tasks.running(self):  # closing while it writes: the answer decides
            super().reject()

    def apply(self) -> None:
        """Check everything first; write nothing unless all of it is valid."""
        values, demo, context = self.values(), self.demo.isChecked(), self.context
        password = self.password.text()
        self.password.clear()

        def work() -> list[str]:
            """What must be fixed first (nothing: all written)."""
            try:
                set_up_clinic(context.sessions, values, context.clinic_today() if demo else None)
            except settings.SettingsRefused as exc:
                return list(exc.problems.values())
            if password and values.get("smtp.username"):
                secrets.set_smtp_password(values["smtp.username"], password)
            return []

        def done(problems: list[str]) -> None:
            self.problems = problems
            if problems:
                self.result_label.setText(self.tr("Please go back and fix:") + "\n"
                                          + "\n".join(core_text(p) for p in problems))
            else:
                self.result_label.setText("")
                super(SetupWizard, self).accept()

        self.problems = []
        self.result_label.setText(self.tr("Setting up the clinic…"))
        self.tasks.op(work).success(done).failure(self.result_label.setText).busy(self).run()
