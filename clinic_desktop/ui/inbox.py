"""The photo inbox (unmatched and refused photos), and importing dropped or chosen files."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_desktop import settings
from clinic_desktop.domain.search import search_patients
from clinic_desktop.errors import NotFoundError
from clinic_desktop.photos.importer import PhotoImporter, expand_paths
from clinic_desktop.photos.inbox import assign, dismiss_item, open_items, step_choices
from clinic_desktop.ui.i18n import date_text, translate
from clinic_desktop.ui.photos import FittedImage, accept_held_photo, library_of, photo_filter
from clinic_desktop.ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QIcon,
    QImage,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPixmap,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSignalBlocker,
    QSize,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from clinic_desktop.ui.tasks import TaskRunner
from clinic_desktop.ui.widgets import (
    FileDropTarget,
    RowsModel,
    fit_columns,
    fit_to_screen,
    hint,
    make_table,
    selected_key,
    show_error,
    show_info,
    title_bar,
)
from clinic_desktop.ui.words import core_text, photo_result, quality_issues

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext

NOT_STARTED = "not started"  # the files a stopped import did not reach


class ImportDialog(QDialog):
    """Shows each file's result as the import goes; it runs in a worker thread."""

    line = Signal(str)

    def __init__(self, parent: QWidget | None, total: int):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Importing photos"))
        layout = QVBoxLayout(self)
        self.progress = QProgressBar()
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        self.progress.setAccessibleName(self.tr("Photos imported so far"))
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setAccessibleName(self.tr("What happened to each photo"))
        self.close_button = QPushButton(self.tr("&Stop after this photo"))
        self.close_button.clicked.connect(self._stop_or_close)
        self.stop = threading.Event()
        self.finished_work = False
        layout.addWidget(self.progress)
        layout.addWidget(self.log, 1)
        layout.addWidget(self.close_button)
        self.resize(720, 360)
        self.line.connect(self._add)

    def _stop_or_close(self) -> None:
        if self.finished_work:
            self.accept()
        else:
            self.stop.set()  # the worker stops before the next file; nothing is half done
            self.close_button.setEnabled(False)
            self.close_button.setText(self.tr("Stopping…"))

    def _add(self, text: str) -> None:
        self.log.appendPlainText(text)
        self.progress.setValue(self.progress.value() + 1)

    def summary(self, counts: dict[str, int]) -> str:
        """'3 file(s): 2 imported, 1 no patient found.'"""
        stopped = self.tr("not started (stopped)")
        parts = ", ".join(f"{n} {stopped if status == NOT_STARTED else photo_result(status)}"
                          for status, n in sorted(counts.items()))
        return self.tr("%n file(s): {parts}.", "", sum(counts.values())).format(parts=parts)

    def finish(self, summary: str) -> None:
        self.finished_work = True
        self.log.appendPlainText("\n" + summary)
        self.progress.setValue(self.progress.maximum())
        self.close_button.setText(self.tr("&Close"))
        self.close_button.setEnabled(True)


def outcome_line(outcome: Any) -> str:
    """One file's result in the staff's words, from the outcome's facts. A photo that found
    no patient waits in the inbox: say so, and where to assign it (the core's sentence names
    a command instead). Why a file was refused or is a duplicate stays the core's sentence."""
    if outcome.status == "unmatched":
        detail = translate("inbox", "no patient found from its name; it waits in the Photo "
                           "inbox, where you can assign it")
    elif outcome.status != "imported":
        detail = core_text(outcome.message)
    elif outcome.step_order is None:
        detail = translate("inbox", "filed for {code}; no step of the plan was running when "
                           "it was taken").format(code=outcome.patient_code)
    elif outcome.held:
        detail = translate("inbox", "filed for {code} under step {order}, but held: "
                           "{why}. The step waits until staff accept the photo or a better "
                           "one arrives").format(code=outcome.patient_code,
                                                 order=outcome.step_order,
                                                 why=quality_issues(outcome.held))
    elif outcome.progressed:
        # The core says "plan finished" when the completed step was the last one.
        detail = (translate("inbox", "filed for {code} under step {order}: the step is "
                            "completed and the plan is finished")
                  if outcome.progressed == "plan finished" else
                  translate("inbox", "filed for {code} under step {order}: the step is "
                            "completed and the next one has started")).format(
            code=outcome.patient_code, order=outcome.step_order)
    else:
        detail = translate("inbox", "filed for {code} under step {order}; nothing else "
                           "changes").format(code=outcome.patient_code,
                                             order=outcome.step_order)
    line = f"{photo_result(outcome.status)}: {outcome.path.name}"
    return f"{line} — {detail}" if detail else line


def run_import(parent: QWidget, context: AppContext, tasks: TaskRunner, paths: list[Path], *,
               patient_code: str | None = None, step_order: int | None = None,
               on_finished: Callable[[], None] | None = None) -> ImportDialog:
    """Import files or folders through the one core import service, off the GUI thread;
    `step_order` (with `patient_code`) files them under that step of the patient's plan."""
    files = list(expand_paths(paths))
    dialog = ImportDialog(parent, len(files))
    today = context.clinic_today()

    def work() -> dict[str, int]:
        importer = PhotoImporter.for_app(context, today)
        counts: dict[str, int] = {}
        for outcome in importer.import_paths(paths, patient_code=patient_code,
                                             step_order=step_order):
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            dialog.line.emit(outcome_line(outcome))
            if dialog.stop.is_set():
                counts[NOT_STARTED] = len(files) - sum(counts.values())
                break
        return counts

    def done(counts: dict[str, int]) -> None:
        dialog.finish(dialog.summary(counts))
        if on_finished:
            on_finished()

    def failed(message: str) -> None:
        dialog.finish(translate("inbox", "The import stopped: {reason}").format(reason=message))
        if on_finished:
            on_finished()

    tasks.op(work).success(done).failure(failed).run()
    dialog.show()
    return dialog


MATCHES_SHOWN = 8  # patients listed when what was typed is not a code
THUMB = QSize(72, 54)  # the photo in the inbox list
PREVIEW = QSize(480, 360)  # the photo in the Assign dialog, at most (it grows with it)


@dataclass(frozen=True)
class InboxPhoto:
    """An inbox item as the views show it: plain values, made in a worker."""

    id: int
    status: str
    name: str
    reason: str
    source: str  # where the file was found
    taken_day: date | None  # in the clinic's days
    preview: Path | None  # the library's large thumbnail, when the photo could be read
    thumbnail: QImage  # small, for the list (a null image when there is none)

    @property
    def folder(self) -> str:
        return str(Path(self.source).parent) if self.source else ""


def inbox_photos(context: AppContext) -> list[InboxPhoto]:
    """The open inbox items with their thumbnails (runs in a worker: files are read)."""
    library = library_of(context)
    with context.sessions() as session:
        zone = settings.clinic_zone(session)
        items = open_items(session)
    photos = []
    for item in items:
        preview = library.thumbnail_path(item.sha256, 1280) if item.sha256 else None
        small = library.thumbnail_path(item.sha256, 256) if item.sha256 else None
        image = QImage(str(small)) if small is not None and small.is_file() else QImage()
        if not image.isNull():
            image = image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        photos.append(InboxPhoto(item.id, item.status, item.original_name, item.reason,
                                 item.source_path,
                                 item.taken_at.astimezone(zone).date() if item.taken_at else None,
                                 preview if preview is not None and preview.is_file() else None,
                                 image))
    return photos


class AssignDialog(QDialog):
    """The photo, large, with when it was taken and where it came from; beside it: which
    patient (by code or name), then which of their steps."""

    def __init__(self, context: AppContext, tasks: TaskRunner, photo: InboxPhoto,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        self.found = ""  # the code whose steps are shown
        self.setWindowTitle(self.tr("Assign photo"))
        outer = QHBoxLayout(self)
        picture = QVBoxLayout()
        self.preview = FittedImage(QImage())
        self.preview.setMinimumSize(PREVIEW / 2)
        self.preview.resize(PREVIEW)
        self.preview.setAccessibleName(self.tr("The photo"))
        self.preview.setText(self.tr("Loading the photo…") if photo.preview
                             else self.tr("No preview: the file could not be read."))
        picture.addWidget(self.preview, 1)
        taken = date_text(photo.taken_day) if photo.taken_day else self.tr("unknown")
        self.about = hint(self.tr("{name}\nTaken: {day}\nFrom: {folder}").format(
            name=photo.name, day=taken, folder=photo.folder or self.tr("unknown")))
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        picture.addWidget(self.about)
        outer.addLayout(picture, 3)
        form = QFormLayout()
        outer.addLayout(form, 2)
        if photo.preview is not None:
            preview = photo.preview
            tasks.op(lambda: QImage(str(preview))).success(self.preview.set_image).run()
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("code or name, e.g. P00123 or Müller"))
        form.addRow(self.tr("&Patient"), self.code)
        self.patient = hint(self.tr("Type the patient's code or name; their steps appear "
                                    "below."))
        form.addRow("", self.patient)
        # Several patients match what was typed: pick one (click or Enter).
        self.matches = QListWidget()
        self.matches.setAccessibleName(self.tr("Patients that match"))
        self.matches.setMaximumHeight(130)
        self.matches.hide()
        self.matches.itemActivated.connect(self._pick)
        self.matches.itemClicked.connect(self._pick)
        form.addRow("", self.matches)
        self.step = QComboBox()
        self.step.setEnabled(False)
        form.addRow(self.tr("&Step"), self.step)
        form.addRow("", hint(self.tr(
            "The active step completes if its time is up, as for any photo. An earlier step "
            "keeps the photo as a record; nothing else changes. Steps that have not started "
            "cannot take a photo.")))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("&Assign"))
        self.ok_button.setEnabled(False)
        form.addRow(self.buttons)
        # Look the text up when typing pauses (or Enter / leaving the field), in a worker.
        self.pause = QTimer(self)
        self.pause.setSingleShot(True)
        self.pause.setInterval(350)
        self.pause.timeout.connect(self.look_up)
        self.code.textChanged.connect(self._typed)
        self.code.editingFinished.connect(self.look_up)
        fit_to_screen(self, 1000, 520)

    def _typed(self) -> None:
        self.found = ""
        self.ok_button.setEnabled(False)
        self.step.setEnabled(False)
        self.pause.start()

    def look_up(self) -> None:
        """A code finds that patient; other text searches names, emails and phones: one match
        is taken, several are listed to pick from."""
        self.pause.stop()
        text = self.code.text().strip()
        if not text or text.upper() == self.found:
            return

        def work() -> Any:
            with self.context.sessions() as session:
                try:
                    return step_choices(session, text)
                except NotFoundError as missing:
                    rows = search_patients(session, text, 0, MATCHES_SHOWN + 1)
                    if len(rows) == 1:
                        return step_choices(session, rows[0].code)
                    return rows, str(missing), None

        self.tasks.op(work).success(lambda result: self._answer(text, *result)).failure(
            lambda message: self._not_found(text, message)).run()

    def _current(self, text: str) -> bool:
        return text == self.code.text().strip()  # an answer for text since retyped is old

    def _answer(self, text: str, found: Any, detail: str, choices: Any) -> None:
        if not self._current(text):
            return
        if isinstance(found, str):  # the patient's code, their name, their steps
            self._show(found, detail, choices)
            return
        self.matches.clear()
        if not found:
            self._not_found(text, self.tr("No patient has the code, or a name, email or "
                                          "phone with “{text}” in it.").format(text=text))
            return
        for row in found[:MATCHES_SHOWN]:
            item = QListWidgetItem(f"{row.code}  {row.name}"
                                   + (f"  ·  {row.email}" if row.email else ""))
            item.setData(Qt.ItemDataRole.UserRole, row.code)
            self.matches.addItem(item)
        if len(found) > MATCHES_SHOWN:
            self.patient.setText(self.tr("Several patients match “{text}” (the first {shown}; "
                                         "type more to narrow it): pick one.").format(
                text=text, shown=MATCHES_SHOWN))
        else:
            self.patient.setText(self.tr("Several patients match “{text}”: pick one.").format(
                text=text))
        self.matches.show()
        self._fit_height()

    def _pick(self, item: QListWidgetItem) -> None:
        self.code.setText(item.data(Qt.ItemDataRole.UserRole))
        self.look_up()

    def _show(self, code: str, name: str, choices: list[Any]) -> None:
        self.matches.hide()
        self.matches.clear()
        if self.code.text().strip().upper() != code:  # found by name: show the code taken
            with QSignalBlocker(self.code):
                self.code.setText(code)
        active = next((c for c in choices if c.state == "active"), None)
        self.step.clear()
        self.step.addItem(self.tr("The active step ({order} – {name})").format(
            order=active.order, name=active.name) if active else
            self.tr("No active step: keep the photo for the patient"), None)
        for choice in choices:
            self.step.addItem(choice.label(), choice.order)
            if not choice.can_take_photo:
                self.step.model().item(self.step.count() - 1).setEnabled(False)
        self.step.setCurrentIndex(0)
        self.step.setEnabled(True)
        self.patient.setText(name if choices else self.tr("{name} (no plan yet)").format(
            name=name))
        self.found = code
        self.ok_button.setEnabled(True)
        self._fit_height()

    def _not_found(self, text: str, message: str) -> None:
        if self._current(text):
            self.step.clear()
            self.matches.hide()
            self.patient.setText(message)
            self._fit_height()

    def _fit_height(self) -> None:
        """Tall enough for the list of matches; the size the user left otherwise."""
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def values(self) -> tuple[str, int | None]:
        return self.found, self.step.currentData()


class InboxView(FileDropTarget, QWidget):
    changed = Signal()

    def __init__(self, context: AppContext, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.addLayout(title_bar(self.tr("Photo inbox"), [
            (self.tr("&Import photos…"), self.choose_files),
            (self.tr("Import a &folder…"), self.choose_folder),
            (self.tr("&Assign to patient…"), self.assign), (self.tr("&Dismiss"), self.dismiss)]))
        self.note = hint("")
        layout.addWidget(self.note)
        self.model = RowsModel([self.tr("Photo"), self.tr("Status"), self.tr("File"),
                                self.tr("Taken"), self.tr("Reason"), self.tr("Where it was")],
                               self)
        self.table = make_table(self.model, remember_as="inbox")
        self.table.setAccessibleName(self.tr("Photos waiting for a decision"))
        self.table.setIconSize(THUMB)
        self.table.verticalHeader().setDefaultSectionSize(THUMB.height() + 6)
        self.table.doubleClicked.connect(lambda _index: self.assign())
        self.photos: dict[int, InboxPhoto] = {}
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        context = self.context

        def done(photos: list[InboxPhoto]) -> None:
            self.photos = {photo.id: photo for photo in photos}
            self.model.set_rows(
                [["", photo_result(p.status), p.name, date_text(p.taken_day), core_text(p.reason),
                  p.source] for p in photos], [p.id for p in photos],
                ["#f4c7c3" if p.status == "refused" else None for p in photos],
                [QIcon(QPixmap.fromImage(p.thumbnail)) for p in photos])
            fit_columns(self.table)
            self.note.setText(
                self.tr("%n photo(s) need a decision. Drop photo files or folders here to "
                        "import them; names like P00123_front.jpg find their patient.", "",
                        len(photos)) if photos else
                self.tr("The inbox is empty. Drop photo files or folders here to import them; "
                        "names like P00123_front.jpg or a folder named P00123 find their "
                        "patient."))

        self.tasks.op(lambda: inbox_photos(context), self).success(done).run()

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Import photos"), "",
                                                photo_filter())
        if files:
            self.import_files([Path(f) for f in files])

    def choose_folder(self) -> None:
        """A folder and everything in it (a patient's visit, a camera card)."""
        folder = QFileDialog.getExistingDirectory(self, self.tr("Import a folder of photos"))
        if folder:
            self.import_files([Path(folder)])

    def import_files(self, paths: list[Path]) -> None:
        run_import(self, self.context, self.tasks, paths,
                   on_finished=lambda: (self.refresh(), self.changed.emit()))

    def assign(self) -> None:
        item_id = selected_key(self.table, self.model)
        if item_id is None:
            show_error(self, self.tr("Select a photo in the list first."))
            return
        photo = self.photos[item_id]
        file_name = photo.name
        dialog = AssignDialog(self.context, self.tasks, photo, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        code, step_order = dialog.values()
        if not code:
            return

        def work() -> Any:
            importer = PhotoImporter.for_app(self.context, self.context.clinic_today())
            return assign(importer, item_id, code, step_order=step_order)

        def done(outcome: Any) -> None:
            if outcome.status not in ("imported", "duplicate"):
                show_error(self, self.tr("Not assigned: {reason}").format(
                    reason=outcome.message))
            elif outcome.status == "duplicate":
                show_info(self, self.tr("{file}: this photo is already filed for {code}.")
                          .format(file=file_name, code=outcome.patient_code))
            elif outcome.held:
                self._offer_accept(file_name, outcome)
                return
            elif outcome.step_order is not None:
                show_info(self, self.tr("{file}: filed for {code} under step {order}.").format(
                    file=file_name, code=outcome.patient_code, order=outcome.step_order))
            else:
                show_info(self, self.tr("{file}: filed for {code}.").format(
                    file=file_name, code=outcome.patient_code))
            self.refresh()
            self.changed.emit()

        self.tasks.op(work).success(done).failure(lambda m: show_error(self, self.tr(
            "Not assigned: {reason}").format(reason=m))).run()

    def _offer_accept(self, file_name: str, outcome: Any) -> None:
        """The photo went to its patient, but the quality gate held it: staff who can see
        it is good enough accept it here, in one click (as in the patient's photos)."""
        self.refresh()
        self.changed.emit()
        answer = QMessageBox.question(
            self, self.tr("Photo held"),
            self.tr("{file}: filed for {code} under step {order}, but held: {why}. The step "
                    "waits until the photo is accepted or a better one arrives.\n\nAccept "
                    "this photo as it is?").format(file=file_name, code=outcome.patient_code,
                                                   order=outcome.step_order,
                                                   why=quality_issues(outcome.held)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        photo_id, context = outcome.photo_id, self.context
        self.tasks.op(lambda: accept_held_photo(context, photo_id), self).success(
            lambda message: (show_info(self, message), self.changed.emit())).run()

    def dismiss(self) -> None:
        item_id = selected_key(self.table, self.model)
        if item_id is None:
            show_error(self, self.tr("Select an item in the list first."))
            return


        sessions = self.context.sessions
        self.tasks.op(lambda: dismiss_item(sessions, item_id), self) \
            .success(lambda _: (self.refresh(), self.changed.emit())).run()

