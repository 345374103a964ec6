"""The Patients view: a lazily loaded, searchable list, and the add/edit patient dialog."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_desktop.domain import staff_changes
from clinic_desktop.domain.patients import PatientInput, export_csv, list_doctors, stored_input
from clinic_desktop.domain.search import count_patients, search_patients
from clinic_desktop.notify.render import DEFAULT_LANGUAGE, available_languages
from clinic_desktop.ui.i18n import date_text
from clinic_desktop.ui.qt import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
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
from clinic_desktop.ui.words import choice, core_text

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext

PAGE = 200
_DISPLAY, _TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole
HEADERS = [QT_TRANSLATE_NOOP("PatientListModel", "Code"),
           QT_TRANSLATE_NOOP("PatientListModel", "Name"),
           QT_TRANSLATE_NOOP("PatientListModel", "Email"),
           QT_TRANSLATE_NOOP("PatientListModel", "Phone"),
           QT_TRANSLATE_NOOP("PatientListModel", "Doctor"),
           QT_TRANSLATE_NOOP("PatientListModel", "Active step"),
           QT_TRANSLATE_NOOP("PatientListModel", "Due")]


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

        self.tasks.op(work).success(done).failure(lambda message: self.failed.emit(message)).run()

    def _count(self, generation: int) -> None:
        text = self.text

        def work() -> int:
            with self.sessions() as session:
                return count_patients(session, text)

        def done(total: int) -> None:
            if generation == self._generation:
                self.total = total
                self.loaded.emit(total)

        self.tasks.op(work).success(done).failure(lambda message: self.failed.emit(message)).run()

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

        self.tasks.op(work).success(done).failure(fail).run()

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
            return self.tr(HEADERS[section])
        return None

    def code_at(self, row: int) -> str:
        return self.rows[row][0]


def _cells(rows: list[Any]) -> list[tuple[str, ...]]:
    """The table's text, made in the worker so that painting only looks it up."""
    return [(r.code, r.name, r.email, r.phone, r.doctor, r.step, date_text(r.due))
            for r in rows]


class PatientsView(QWidget):
    open_patient = Signal(str)
    changed = Signal()

    def __init__(self, context: AppContext, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        layout = QVBoxLayout(self)
        layout.addLayout(title_bar(self.tr("Patients"), [
            (self.tr("&Add patient…"), self.add_patient),
            (self.tr("&Import CSV…"), self.import_csv),
            (self.tr("E&xport CSV…"), self.export_csv)]))
        search_row = QHBoxLayout()
        search_label = QLabel(self.tr("&Find:"))
        self.search = QLineEdit()
        search_label.setBuddy(self.search)
        self.search.setPlaceholderText(self.tr("code, name, email or phone (Down: into the "
                                               "list)"))
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)
        layout.addLayout(search_row)
        self.count = hint("")
        layout.addWidget(self.count)
        self.model = PatientListModel(context.sessions, tasks, self)
        self.table = make_table(self.model, self)
        self.table.setAccessibleName(self.tr("Patients found"))
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
            self.count.setText(self.tr("No patients yet: add one with Add patient…, or bring "
                                       "your list in with Import CSV…."))
        elif total == 0:
            self.count.setText(self.tr("No patient matches “{text}”.").format(
                text=self.search.text()))
        else:
            self.count.setText(self.tr("%n patient(s)", "", total))

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """Down in the search box moves into the results (the first one selected)."""
        if (watched is self.search and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down and self.model.rowCount()):
            self.table.setFocus()
            self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    def refresh(self) -> None:
        self.model.search(self.search.text().strip())

    def add_patient(self) -> None:
        dialog = PatientDialog(self.context, self.tasks, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.changed.emit()
            self.open_patient.emit(dialog.saved_code)

    def import_csv(self) -> None:
        title = self.tr("Import patients")
        path, _ = QFileDialog.getOpenFileName(self, title, "", self.tr(
            "CSV files (*.csv);;All files (*)"))
        if not path:
            return

        sessions = self.context.sessions

        def done(report: Any) -> None:
            if report.bad_rows:
                lines = "\n".join(self.tr("line {number}: {problem}").format(
                    number=n, problem=core_text(p)) for n, p in report.bad_rows[:30])
                more = "\n" + self.tr("… and %n more", "", len(report.bad_rows) - 30) \
                    if len(report.bad_rows) > 30 else ""
                show_error(self, self.tr("Nothing was imported: %n row(s) need fixing first.",
                                         "", len(report.bad_rows)) + f"\n\n{lines}{more}",
                           title)
            else:
                show_info(self, self.tr("Imported %n patient(s).", "", report.imported), title)
                self.refresh()
                self.changed.emit()

        self.tasks.op(lambda: staff_changes.import_patients(sessions, Path(path))) \
            .success(done).failure(lambda m: show_error(self, m, title)).run()

    def export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export patients"),
                                              self.tr("patients.csv"),
                                              self.tr("CSV files (*.csv)"))
        if not path:
            return

        def work() -> int:
            with self.context.sessions() as session:
                return export_csv(session, Path(path))

        self.tasks.op(work, self).success(lambda n: show_info(self, self.tr(
            "Exported %n patient(s) to {path}.", "", n).format(path=path))).run()


def read_patient_form(sessions: Any, code: str | None) -> tuple[list[str],
                                                                 PatientInput | None]:
    """The doctors to choose from, and the patient as stored (None for a new one), as plain
    values (runs in a worker)."""
    with sessions() as session:
        doctors = [d.name for d in list_doctors(session)]
        return doctors, stored_input(session, code) if code else None


class PatientDialog(QDialog):
    """Add or edit a patient; the core checks the input and names every problem at once.
    The fields open when the doctors (and the patient) have been read, in a worker."""

    def __init__(self, context: AppContext, tasks: TaskRunner, parent: QWidget | None = None,
                 code: str | None = None):
        super().__init__(parent)

        self.context = context
        self.tasks = tasks
        self.editing = code
        self.saved_code = ""
        self.setWindowTitle(self.tr("Edit patient") if code else self.tr("Add patient"))
        form = QFormLayout(self)
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("e.g. P00123"))
        self.first = QLineEdit()
        self.last = QLineEdit()
        self.email = QLineEdit()
        self.phone = QLineEdit()
        self.consent = QCheckBox(self.tr("The patient agreed to receive &emails"))
        self.language = QComboBox()
        for language in available_languages():
            self.language.addItem(choice(language), language)
        # The first listed may be "de".
        self.language.setCurrentIndex(self.language.findData(DEFAULT_LANGUAGE))
        self.doctor = QComboBox()
        self.doctor.addItem("")
        self.fields = QWidget()  # what is typed in; closed while loading and saving
        fields = QFormLayout(self.fields)
        fields.setContentsMargins(0, 0, 0, 0)
        for label, widget in ((self.tr("&Code"), self.code),
                              (self.tr("&First name"), self.first),
                              (self.tr("&Last name"), self.last),
                              (self.tr("E&mail"), self.email), (self.tr("&Phone"), self.phone),
                              ("", self.consent),
                              (self.tr("Email lan&guage"), self.language),
                              (self.tr("&Doctor"), self.doctor)):
            fields.addRow(label, widget)
        form.addRow(self.fields)
        self.doctor.setAccessibleName(self.tr("Doctor"))
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#a4262c;")
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.buttons = buttons
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.setMinimumWidth(460)
        self.loaded = False
        self.problem.setText(self.tr("Loading the patient…") if code
                             else self.tr("Loading the doctors…"))
        sessions = context.sessions
        self.tasks.op(lambda: read_patient_form(sessions, code)).success(self._show) \
            .failure(self.problem.setText).busy(self.fields, self.save_button).run()

    def _show(self, answer: tuple[list[str], Any]) -> None:
        doctors, stored = answer
        self.doctor.addItems(doctors)
        if stored is not None:
            self.code.setText(stored.code)
            self.first.setText(stored.first_name)
            self.last.setText(stored.last_name)
            self.email.setText(stored.email)
            self.phone.setText(stored.phone)
            self.consent.setChecked(stored.email_consent)
            self.language.setCurrentIndex(max(0, self.language.findData(stored.language)))
            self.doctor.setCurrentText(stored.doctor)
        self.problem.setText("")
        self.loaded = True
        self.code.setFocus()

    def save(self) -> None:
        """Saved in a worker; Save waits for the answer (no patient added twice)."""
        if not self.loaded or self.tasks.running(self.buttons):  # Enter too soon, or again
            return
        data = PatientInput(self.code.text(), self.first.text(), self.last.text(),
                            self.email.text(), self.phone.text(), self.consent.isChecked(),
                            self.language.currentData(), self.doctor.currentText())
        sessions, editing = self.context.sessions, self.editing

        def done(code: str) -> None:
            self.saved_code = code
            self.accept()

        self.problem.setText(self.tr("Saving…"))
        # A refusal keeps the dialog open with the core's sentence, everything as typed.
        self.tasks.op(lambda: staff_changes.save_patient(sessions, editing, data)) \
            .success(done).failure(self.problem.setText) \
            .busy(self.fields, self.buttons).run()

    def reject(self) -> None:
        if not self.tasks.running(self.buttons):  # Esc while saving: the answer decides
            super().reject()
