"""First run: clinic name, mail server, photo folders, then the demo clinic or an empty one."""

from __future__ import annotations

from typing import Any

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
from clinic_desktop.ui.widgets import hint


def needs_setup(context: Any) -> bool:
    """A brand-new data folder: no clinic name stored and no patients."""
    from sqlalchemy import func, select

    from clinic_desktop.db.models import Patient, Setting

    with context.sessions() as session:
        return session.get(Setting, "clinic.name") is None and not session.scalar(
            select(func.count()).select_from(Patient))


def _folder_row(edit: QLineEdit, parent: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    browse = QPushButton("Choose…")
    browse.clicked.connect(lambda: edit.setText(
        QFileDialog.getExistingDirectory(parent, "Choose a folder", edit.text()) or edit.text()))
    row.addWidget(browse)
    return row


class SetupWizard(QWizard):
    def __init__(self, context: Any, parent: QWidget | None = None):
        from clinic_desktop import settings

        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Welcome to Clinic Desktop")
        self.problems: list[str] = []

        clinic = QWizardPage()
        clinic.setTitle("Your clinic")
        clinic.setSubTitle("Shown to patients in every email.")
        form = QFormLayout(clinic)
        self.name = QLineEdit()
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.zone = QLineEdit(settings.local_zone_name())
        form.addRow("Clinic name", self.name)
        form.addRow("Phone", self.phone)
        form.addRow("Email for patients", self.email)
        form.addRow("Time zone", self.zone)
        clinic.registerField("name*", self.name)
        self.addPage(clinic)

        mail = QWizardPage()
        mail.setTitle("Sending email")
        mail.setSubTitle("You can leave this empty and set it up later in Settings.")
        form = QFormLayout(mail)
        self.host = QLineEdit()
        self.host.setPlaceholderText("e.g. smtp.gmail.com or smtp.office365.com")
        self.port = QLineEdit("587")
        self.security = QComboBox()
        self.security.addItems(["starttls", "tls", "none"])
        self.username = QLineEdit()
        self.sender = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for label, widget in (("Mail server", self.host), ("Port", self.port),
                              ("Encryption", self.security), ("Account", self.username),
                              ("Sender address", self.sender), ("Password", self.password)):
            form.addRow(label, widget)
        form.addRow(hint("Gmail needs an app password; Microsoft 365 needs SMTP AUTH enabled "
                         "for the mailbox. The password is kept in this PC's keyring."))
        self.addPage(mail)

        photos = QWizardPage()
        photos.setTitle("Photos")
        form = QFormLayout(photos)
        self.library = QLineEdit(str(context.paths.photo_dir))
        self.watch = QLineEdit()
        self.watch.setPlaceholderText("optional: a folder where patients' photos arrive")
        form.addRow("Keep photos in", _folder_row(self.library, self))
        form.addRow("Watch this folder", _folder_row(self.watch, self))
        form.addRow(hint("Photos named like P00123_front.jpg, or in a folder named P00123, "
                         "find their patient by themselves."))
        self.addPage(photos)

        start = QWizardPage()
        start.setTitle("Start")
        layout = QVBoxLayout(start)
        self.demo = QRadioButton("Start with the demo clinic (30 sample patients at every stage, "
                                 "to try everything out)")
        self.empty = QRadioButton("Start with an empty clinic")
        self.empty.setChecked(True)
        layout.addWidget(self.demo)
        layout.addWidget(self.empty)
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        self.addPage(start)

    def values(self) -> dict[str, str]:
        values = {"clinic.name": self.name.text(), "clinic.phone": self.phone.text(),
                  "clinic.email": self.email.text(), "clinic.timezone": self.zone.text(),
                  "photos.watch_folders": self.watch.text()}
        if self.library.text() != str(self.context.paths.photo_dir):
            values["photos.library_dir"] = self.library.text()
        if self.host.text().strip():
            values.update({"smtp.host": self.host.text(), "smtp.port": self.port.text(),
                           "smtp.security": self.security.currentText(),
                           "smtp.username": self.username.text(),
                           "smtp.from": self.sender.text()})
        return values

    def accept(self) -> None:
        if self.apply():
            super().accept()

    def apply(self) -> bool:
        """Check everything first; write nothing unless all of it is valid."""
        from clinic_desktop import secrets, settings
        from clinic_desktop.db.engine import write_session
        from clinic_desktop.demo import build_demo
        from clinic_desktop.errors import ClinicError

        values = self.values()
        self.problems = []
        try:
            with write_session(self.context.sessions) as session:
                settings.set_values(session, values)  # all checked together, as in Settings
                if self.demo.isChecked():
                    build_demo(session, self.context.clinic_today())
                    settings.set_value(session, "clinic.name", values["clinic.name"])
            if self.password.text() and values.get("smtp.username"):
                secrets.set_smtp_password(values["smtp.username"], self.password.text())
        except settings.SettingsRefused as exc:
            self.problems = list(exc.problems.values())
            self.result_label.setText("Please go back and fix:\n" + "\n".join(self.problems))
            return False
        except ClinicError as exc:
            self.result_label.setText(str(exc))
            return False
        finally:
            self.password.clear()
        return True
