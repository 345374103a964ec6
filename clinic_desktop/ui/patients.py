"""The Patients view: a lazily loaded, searchable list, and the add/edit patient dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clinic_desktop.ui.qt import (
    QAbstractTableModel,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QModelIndex,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from clinic_desktop.ui.tasks import TaskRunner
from clinic_desktop.ui.widgets import hint, make_table, show_error, show_info, title_bar

PAGE = 200
_DISPLAY, _TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole
HEADERS = ["Code", "Name", "Email", "Phone", "Doctor", "Active step", "Due"]


class PatientListModel(QAbstractTableModel):
    """Loads patients a page at a time as the list scrolls; searching starts over."""

    def __init__(self, sessions: Any, tasks: TaskRunner, parent: Any = None):
        super().__init__(parent)
        self.sessions = sessions
        self.tasks = tasks
        self.rows: list[Any] = []
        self.total = 0
        self.text = ""
        self._generation = 0
        self._fetching = False

    def search(self, text: str) -> None:
        """Show the first page as soon as it is found; count the matches afterwards."""
        self.text = text
        self._generation += 1
        generation = self._generation

        def work() -> list[Any]:
            from clinic_desktop.domain.dashboard import search_patients

            with self.sessions() as session:
                return _cells(search_patients(session, text, 0, PAGE))

        def done(rows: list[Any]) -> None:
            if generation != self._generation:
                return  # the user typed on; an older answer arrived late
            self.beginResetModel()
            # A page that is not full holds every match; a full one may have more, counted next.
            self.rows, self.total = rows, len(rows) + (len(rows) == PAGE)
            self.endResetModel()
            if len(rows) < PAGE:
                self.loaded.emit(self.total)
            else:
                self._count(generation)

        self.tasks.run(work, done, lambda message: self.failed.emit(message))

    def _count(self, generation: int) -> None:
        text = self.text

        def work() -> int:
            from clinic_desktop.domain.dashboard import count_patients

            with self.sessions() as session:
                return count_patients(session, text)

        def done(total: int) -> None:
            if generation == self._generation:
                self.total = total
                self.loaded.emit(total)

        self.tasks.run(work, done, lambda message: self.failed.emit(message))

    loaded = Signal(int)
    failed = Signal(str)

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: B008
        if self._fetching or parent.isValid():
            return
        self._fetching = True
        generation, text, offset = self._generation, self.text, len(self.rows)

        def work() -> list[Any]:
            from clinic_desktop.domain.dashboard import search_patients

            with self.sessions() as session:
                return _cells(search_patients(session, text, offset, PAGE))

        def done(rows: list[Any]) -> None:
            self._fetching = False
            if generation != self._generation or not rows:
                return
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
            if len(rows) < PAGE:
                self.total = len(self.rows)  # the end, whether or not the count has come
            elif self.total <= len(self.rows):
                self.total = len(self.rows) + 1  # not counted yet: there may be more

        def fail(message: str) -> None:
            self._fetching = False
            self.failed.emit(message)

        self.tasks.run(work, done, fail)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every visible cell and role at each paint: kept to the bare minimum.
        if role in (_DISPLAY, _TOOLTIP):
            return self.rows[index.row()][index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def code_at(self, row: int) -> str:
        return self.rows[row][0]


def _cells(rows: list[Any]) -> list[tuple[str, ...]]:
    """The table's text, made in the worker so that painting only looks it up."""
    return [(r.code, r.name, r.email, r.phone, r.doctor, r.step,
             r.due.isoformat() if r.due else "") for r in rows]


class PatientsView(QWidget):
    open_patient = Signal(str)
    changed = Signal()

    def __init__(self, context: Any, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        layout = QVBoxLayout(self)
        layout.addLayout(title_bar("Patients", [
            ("Add patient…", self.add_patient), ("Import CSV…", self.import_csv),
            ("Export CSV…", self.export_csv)]))
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by code, name, email or phone…")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.count = hint("")
        layout.addWidget(self.count)
        self.model = PatientListModel(context.sessions, tasks, self)
        self.table = make_table(self.model, self)
        # activated covers double-click and Enter (doubleClicked too would open it twice).
        self.table.activated.connect(
            lambda index: self.open_patient.emit(self.model.code_at(index.row())))
        layout.addWidget(self.table, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self._sized = False
        self.model.loaded.connect(self._show_count)
        self.model.failed.connect(lambda message: show_error(self, message))

    def _show_count(self, total: int) -> None:
        if not self._sized and self.model.rowCount():
            # Once: widths that fit the first page (later searches keep them, no jumping).
            self._sized = True
            self.table.resizeColumnsToContents()
        if total == 0 and not self.search.text():
            self.count.setText("No patients yet. Add one, import a CSV file, or start with the "
                               "demo clinic (clinic-desktop demo).")
        elif total == 0:
            self.count.setText(f"No patient matches “{self.search.text()}”.")
        else:
            self.count.setText(f"{total} patient(s)")

    def refresh(self) -> None:
        self.model.search(self.search.text().strip())

    def add_patient(self) -> None:
        dialog = PatientDialog(self.context, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.changed.emit()
            self.open_patient.emit(dialog.saved_code)

    def import_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import patients", "",
                                              "CSV files (*.csv);;All files (*)")
        if not path:
            return

        def work() -> Any:
            from clinic_desktop.db.engine import write_session
            from clinic_desktop.domain.patients import import_csv

            with write_session(self.context.sessions) as session:
                return import_csv(session, Path(path))

        def done(report: Any) -> None:
            if report.bad_rows:
                lines = "\n".join(f"line {n}: {p}" for n, p in report.bad_rows[:30])
                more = f"\n… and {len(report.bad_rows) - 30} more" \
                    if len(report.bad_rows) > 30 else ""
                show_error(self, f"Nothing was imported: {len(report.bad_rows)} row(s) need "
                           f"fixing first.\n\n{lines}{more}", "Import patients")
            else:
                show_info(self, f"Imported {report.imported} patient(s).", "Import patients")
                self.refresh()
                self.changed.emit()

        self.tasks.run(work, done, lambda m: show_error(self, m, "Import patients"))

    def export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export patients", "patients.csv",
                                              "CSV files (*.csv)")
        if not path:
            return

        def work() -> int:
            from clinic_desktop.domain.patients import export_csv

            with self.context.sessions() as session:
                return export_csv(session, Path(path))

        self.tasks.run(work, lambda n: show_info(self, f"Exported {n} patient(s) to {path}."),
                       lambda m: show_error(self, m))


class PatientDialog(QDialog):
    """Add or edit a patient; the core checks the input and names every problem at once."""

    def __init__(self, context: Any, parent: QWidget | None = None, code: str | None = None):
        super().__init__(parent)
        from sqlalchemy import select

        from clinic_desktop.db.models import Doctor
        from clinic_desktop.domain.patients import get_patient
        from clinic_desktop.notify.render import DEFAULT_LANGUAGE, available_languages

        self.context = context
        self.editing = code
        self.saved_code = ""
        self.setWindowTitle("Edit patient" if code else "Add patient")
        form = QFormLayout(self)
        self.code = QLineEdit()
        self.code.setPlaceholderText("e.g. P00123")
        self.first = QLineEdit()
        self.last = QLineEdit()
        self.email = QLineEdit()
        self.phone = QLineEdit()
        self.consent = QCheckBox("The patient agreed to receive emails")
        self.language = QComboBox()
        self.language.addItems(available_languages())
        self.language.setCurrentText(DEFAULT_LANGUAGE)  # the first listed may be "de"
        self.doctor = QComboBox()
        self.doctor.addItem("")
        with context.sessions() as session:
            self.doctor.addItems(list(session.scalars(select(Doctor.name).order_by(Doctor.name))))
            if code:
                p = get_patient(session, code)
                self.code.setText(p.code)
                self.first.setText(p.first_name)
                self.last.setText(p.last_name)
                self.email.setText(p.email or "")
                self.phone.setText(p.phone or "")
                self.consent.setChecked(p.email_consent)
                self.language.setCurrentText(p.language)
                self.doctor.setCurrentText(p.doctor.name if p.doctor else "")
        for label, widget in (("Code", self.code), ("First name", self.first),
                              ("Last name", self.last), ("Email", self.email),
                              ("Phone", self.phone), ("", self.consent),
                              ("Email language", self.language), ("Doctor", self.doctor)):
            form.addRow(label, widget)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#a4262c;")
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(460)

    def save(self) -> None:
        from clinic_desktop.db.engine import write_session
        from clinic_desktop.domain.patients import (
            PatientInput,
            add_patient,
            get_patient,
            update_patient,
        )
        from clinic_desktop.errors import ClinicError

        data = PatientInput(self.code.text(), self.first.text(), self.last.text(),
                            self.email.text(), self.phone.text(), self.consent.isChecked(),
                            self.language.currentText(), self.doctor.currentText())
        try:
            with write_session(self.context.sessions) as session:
                if self.editing:
                    patient = update_patient(session, get_patient(session, self.editing), data)
                else:
                    patient = add_patient(session, data)
                self.saved_code = patient.code
        except ClinicError as exc:
            self.problem.setText(str(exc))
            return
        self.accept()
