"""Photo timeline grouped by step, a zoomable viewer, side-by-side/overlay compare, PDF report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_desktop.domain import photo_actions
from clinic_desktop.domain.patient_page import PhotoRow, StepHead
from clinic_desktop.photos.importer import library_for
from clinic_desktop.ui.i18n import date_text, translate
from clinic_desktop.ui.qt import (
    QAbstractItemView,
    QDialog,
    QEvent,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QIcon,
    QImage,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QObject,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPixmap,
    QPoint,
    QPushButton,
    QRect,
    QScrollArea,
    QSignalBlocker,
    QSize,
    QSizePolicy,
    QSlider,
    Qt,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from clinic_desktop.ui.tasks import TaskRunner
from clinic_desktop.ui.widgets import fit_to_screen, hint, show_error, show_info
from clinic_desktop.ui.words import PHOTO_VIEWS, core_text, photo_view, quality_issues, step_state

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext


def library_of(context: AppContext) -> Any:
    """The clinic's photo library (reads a setting: call it in a worker or at a load)."""
    return library_for(context.sessions, context.paths.data_dir)



def accept_held_photo(context: AppContext, photo_id: int) -> str:
    """Accept a photo the quality gate held, as it is (runs in a worker): its step goes on as
    the import would have taken it. What happened, in the staff's words."""
    accepted = photo_actions.accept_held_photo(context.sessions, photo_id,
                                               context.clinic_today())
    done, following = accepted.completed, accepted.started
    if done is None:
        return translate("photos", "Photo accepted. Its step is not finished yet, so "
                         "nothing else changes.")
    if following is None:
        return translate("photos", "Photo accepted: step {order} “{name}” is completed "
                         "and the plan is finished.").format(order=done.order, name=done.name)
    return translate("photos", "Photo accepted: step {order} “{name}” is completed and "
                     "step {next} “{next_name}” has started.").format(
        order=done.order, name=done.name, next=following.order, next_name=following.name)


def ask_for_better_photo(context: AppContext, photo_id: int) -> str:
    """Queue the "please retake your photo" email about a held photo (runs in a worker)."""
    queued = photo_actions.ask_for_better_photo(context.sessions, photo_id)
    if not queued.created:
        return translate("photos", "The patient was asked for a better photo already.")
    if queued.reason:
        return translate("photos", "The email asking for a better photo is held back: "
                         "{reason}").format(reason=core_text(queued.reason))
    return translate("photos", "The patient will get an email asking for a better photo, "
                     "with the reason.")


def photo_filter() -> str:
    """The file dialog's filter for photos (a folder is chosen with its own button)."""
    return translate("photos", "Photos (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif "
                     "*.tiff);;All files (*)")


def _caption(photo: PhotoRow) -> str:
    step = translate("photos", "step {order}").format(order=photo.step.order) \
        if photo.step else translate("photos", "no step")
    return f"{_seen(photo)}\n{step}" + (" ✓" if photo.completed else "") \
        + (" ✉" if photo.by_email else "")


def _taken(photo: PhotoRow) -> str:
    """The day the photo was taken, in the clinic's days (load_patient works it out)."""
    if photo.taken_day is None:
        return translate("photos", "date unknown")
    return date_text(photo.taken_day)


def _seen(photo: PhotoRow) -> str:
    """'front · 24 Nov': the view the photo shows (when known), then the day it was taken."""
    view = photo_view(photo.view)
    return f"{view} · {_taken(photo)}" if view else _taken(photo)


def step_heading(step: StepHead | None) -> str:
    """'Step 3 – Aligner 3 · 14/03/2026 – 28/03/2026': the step and when it ran."""
    if step is None:
        return translate("photos", "No step")
    text = translate("photos", "Step {order} – {name}").format(order=step.order,
                                                              name=step.name)
    start, end = step.start, step.end
    if start and end:
        text += f" · {date_text(start)} – {date_text(end)}"
    elif start:
        text += " · " + translate("photos", "from {day}").format(day=date_text(start))
    if step.state not in ("completed",):
        text += f" ({step_state(step.state)})"
    return text


def load_thumbnails(photos: Sequence[PhotoRow], library: Any) -> dict[int, QImage]:
    """Each photo's small thumbnail by photo id, decoded in the worker that read the photos:
    200 of them cost the GUI thread a tenth of a second."""
    return {photo.id: QImage(str(library.thumbnail_path(photo.sha256, 256)))
            for photo in photos}


def group_by_step(photos: Sequence[PhotoRow]) -> list[tuple[str, list[PhotoRow]]]:
    """(heading, photos) per step in plan order, photos in the order given; 'No step' last."""
    groups: dict[int | None, list[PhotoRow]] = {}
    for photo in photos:
        groups.setdefault(photo.step.order if photo.step else None, []).append(photo)
    orders = sorted(o for o in groups if o is not None) + ([None] if None in groups else [])
    return [(step_heading(groups[o][0].step), groups[o]) for o in orders]


class ThumbnailGrid(QListWidget):
    """One step's thumbnails, as tall as its rows: the timeline scrolls, never a group."""

    plain_click = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(QSize(160, 160))
        self.setGridSize(QSize(190, 200))
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setMovement(QListWidget.Movement.Static)
        self.setWrapping(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def fit_cells(self) -> None:
        """Cells as tall as the tallest thumbnail and its date: landscape photos (most of
        them) leave no empty band under each row."""
        tallest = max((self.item(row).icon().actualSize(self.iconSize()).height()
                       for row in range(self.count())), default=self.iconSize().height())
        self.setGridSize(QSize(190, tallest + self.fontMetrics().height() + 22))
        self.fit_height()

    def fit_height(self) -> None:
        grid = self.gridSize()
        per_row = max(1, (self.width() - 2 * self.frameWidth()) // grid.width())
        rows = max(1, -(-self.count() // per_row))
        self.setFixedHeight(rows * grid.height() + 2 * self.frameWidth() + 4)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.fit_height()

    def mousePressEvent(self, event: Any) -> None:
        # Ctrl/Shift add to the selection across steps; a plain click starts a new one.
        if not event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                    | Qt.KeyboardModifier.ShiftModifier):
            self.plain_click.emit()
        super().mousePressEvent(event)


class PhotoTimeline(QWidget):
    """Thumbnails grouped by step, a heading per step; select two (in any steps) to compare.
    Photos the quality gate held are marked, each with its two answers above the steps."""

    changed = Signal()  # a held photo was accepted, or a better one asked for

    def __init__(self, context: AppContext, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        self.photos: Sequence[PhotoRow] = ()
        self.library: Any = None  # where they are, read with them
        self.report_title = ""
        self.groups: list[tuple[QLabel, ThumbnailGrid]] = []
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.note = hint("")
        bar.addWidget(self.note, 1)
        for text, slot in ((self.tr("&View"), self.view_selected),
                           (self.tr("C&ompare"), self.compare_selected),
                           (self.tr("&First ↔ latest"), self.compare_first_latest),
                           (self.tr("PDF &report…"), self.export_pdf)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            bar.addWidget(button)
        layout.addLayout(bar)
        self.held = QWidget()  # a row per held photo: why, accept, ask for a better one
        layout.addWidget(self.held)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.scroll, 1)
        self._new_page()

    def _new_page(self) -> None:
        page = QWidget()
        page.setBackgroundRole(QPalette.ColorRole.Base)
        page.setAutoFillBackground(True)
        self.page_layout = QVBoxLayout(page)
        self.page_layout.addStretch(1)
        self.scroll.setWidget(page)  # the old page and its groups are deleted with it
        self.groups = []

    def show_photos(self, photos: Sequence[PhotoRow], library: Any,
                    thumbnails: dict[int, QImage]) -> None:
        """`library`: library_of(context), and the photos' thumbnails (load_thumbnails), read
        in the worker that read the photos."""
        self.photos, self.library = photos, library
        self._new_page()
        self._show_held([photo for photo in photos if photo.held])
        index_of = {id(photo): index for index, photo in enumerate(photos)}
        for text, members in group_by_step(photos):
            title = QLabel(text)
            font = title.font()
            font.setBold(True)
            font.setPointSize(font.pointSize() + 1)
            title.setFont(font)
            title.setStyleSheet("border-bottom: 1px solid #c8d0d6; padding: 6px 2px 3px 2px;")
            grid = ThumbnailGrid()
            grid.setAccessibleName(self.tr("Photos of: {heading}").format(heading=text))
            for photo in members:
                item = QListWidgetItem(QIcon(QPixmap.fromImage(thumbnails[photo.id])),
                                       _seen(photo) + (" ✓" if photo.completed else "")
                                       + (" ✉" if photo.by_email else ""))
                item.setData(Qt.ItemDataRole.UserRole, index_of[id(photo)])
                item.setToolTip(f"{photo.name}\n{_caption(photo).replace(chr(10), ', ')}"
                                + ("\n" + self.tr("✓ this photo completed the step")
                                   if photo.completed else "")
                                + ("\n" + self.tr("✉ the patient sent it by email")
                                   if photo.by_email else ""))
                if photo.held:
                    item.setText(item.text() + " ⚠")
                    item.setToolTip(item.toolTip() + "\n" + self.tr("⚠ held: {why}").format(
                        why=quality_issues(photo.held)))
                grid.addItem(item)
            grid.itemDoubleClicked.connect(self._open)
            grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            grid.customContextMenuRequested.connect(
                lambda position, grid=grid: self._view_menu_at(grid, position))
            grid.plain_click.connect(lambda grid=grid: self._clear_other_selections(grid))
            position = self.page_layout.count() - 1  # above the stretch
            self.page_layout.insertWidget(position, title)
            self.page_layout.insertWidget(position + 1, grid)
            grid.fit_cells()
            self.groups.append((title, grid))
        self.note.setText(self.tr("%n photo(s) in {groups} step group(s). Double-click to "
                                  "view; Ctrl+click two (in any steps) and press Compare.", "",
                                  len(photos)).format(groups=len(self.groups)) if photos else
                          self.tr("No photos yet. Drop photo files here or use Import "
                                  "photos…"))

    def _show_held(self, held: Sequence[PhotoRow]) -> None:
        panel = QWidget()
        rows = QVBoxLayout(panel)
        rows.setContentsMargins(0, 0, 0, 0)
        layout = self.layout()
        assert layout is not None
        layout.replaceWidget(self.held, panel)
        self.held.hide()
        self.held.deleteLater()
        self.held = panel
        panel.setVisible(bool(held))
        for photo in held:
            row = QHBoxLayout()
            label = QLabel(self.tr("⚠ The photo of {day} is held: {why}. Step {order} waits "
                                   "for it to be accepted or for a better one.").format(
                day=_taken(photo), why=quality_issues(photo.held),
                order=photo.step.order))
            label.setWordWrap(True)
            row.addWidget(label, 1)
            accept = QPushButton(self.tr("Accept as it is"))
            accept.setToolTip(self.tr("The photo is good enough: its step goes on as if it "
                                      "had passed the check"))
            accept.clicked.connect(lambda _=False, i=photo.id: self._run(
                lambda: accept_held_photo(self.context, i)))
            retake = QPushButton(self.tr("Ask for a better photo") if not photo.retake
                                 else self.tr("Better photo asked for"))
            retake.setEnabled(not photo.retake)
            retake.setToolTip(self.tr("Email the patient asking for a new photo, with the "
                                      "reason in plain words"))
            retake.clicked.connect(lambda _=False, i=photo.id: self._run(
                lambda: ask_for_better_photo(self.context, i)))
            for button in (accept, retake):
                button.setAccessibleDescription(label.text())
                row.addWidget(button)
            rows.addLayout(row)

    def _view_menu_at(self, grid: ThumbnailGrid, position: QPoint) -> None:
        # The context-menu key may point between photos: then the current one is meant.
        item = grid.itemAt(position) or grid.currentItem()
        if item is not None:
            menu = self.view_menu(self.photos[item.data(Qt.ItemDataRole.UserRole)])
            menu.exec(grid.viewport().mapToGlobal(position))
            menu.deleteLater()

    def view_menu(self, photo: PhotoRow) -> QMenu:
        """Right-click on a photo: which view it shows, the current one ticked."""
        menu = QMenu(self.tr("View of the teeth"), self)
        menu.addSection(self.tr("This photo shows"))
        for view, text in (*((v, photo_view(v)) for v in PHOTO_VIEWS),
                           ("", self.tr("not known"))):
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(photo.view == view)
            action.triggered.connect(lambda _=False, v=view: self._set_view(photo.id, v))
        return menu

    def _set_view(self, photo_id: int, view: str) -> None:
        sessions = self.context.sessions
        self.tasks.op(lambda: photo_actions.set_view(sessions, photo_id, view), self).success(
            lambda _changed: self.changed.emit()).run()

    def _run(self, work: Any) -> None:
        self.tasks.op(work, self).success(
            lambda message: (show_info(self, message), self.changed.emit())).busy(
            *[b for b in self.held.findChildren(QPushButton) if b.isEnabled()]).run()

    def headings(self) -> list[str]:
        return [title.text() for title, _grid in self.groups]

    def items(self) -> list[QListWidgetItem]:
        """Every thumbnail, in the order shown."""
        return [grid.item(row) for _title, grid in self.groups for row in range(grid.count())]

    def _clear_other_selections(self, keep: ThumbnailGrid) -> None:
        for _title, grid in self.groups:
            if grid is not keep:
                grid.clearSelection()

    def _selected(self) -> Sequence[PhotoRow]:
        return [self.photos[item.data(Qt.ItemDataRole.UserRole)]
                for item in self.items() if item.isSelected()]

    def _open(self, item: QListWidgetItem) -> None:
        PhotoViewer(self.library, self.photos[item.data(Qt.ItemDataRole.UserRole)], self).exec()

    def view_selected(self) -> None:
        chosen = self._selected()
        if chosen:
            PhotoViewer(self.library, chosen[0], self).exec()

    def compare_selected(self) -> None:
        chosen = self._selected()
        if len(chosen) != 2:
            show_error(self, self.tr("Select exactly two photos to compare (Ctrl+click)."))
            return
        CompareDialog(self.library, chosen[0], chosen[1], self).exec()

    def compare_first_latest(self) -> None:
        # self.photos is in the order the photos were taken, whatever step they are under.
        if len(self.photos) < 2:
            show_error(self, self.tr("Comparing needs at least two photos."))
            return
        CompareDialog(self.library, self.photos[0], self.photos[-1], self).exec()

    def export_pdf(self) -> None:
        if not self.photos:
            show_error(self, self.tr("There are no photos to put in a report."))
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Progress report"),
                                              self.tr("progress-report.pdf"),
                                              "PDF (*.pdf)")
        if not path:
            return
        photos, library, heading = list(self.photos), self.library, self.report_title
        self.tasks.op(lambda: write_report(Path(path), heading, photos, library), self).success(
            lambda pages: show_info(self, self.tr(
                "Report written: {path} (%n page(s)).", "", pages).format(path=path))).run()


def _full_image(library: Any, photo: PhotoRow) -> QImage:
    """The upright 1280 px version (the original may be HEIC or rotated by EXIF)."""
    return QImage(str(library.thumbnail_path(photo.sha256, 1280)))


class PhotoViewer(QDialog):
    """One photo, zoomable. `library`: the photo library the timeline read with its photos
    (library_of reads a setting: never on the GUI thread when a dialog opens)."""

    def __init__(self, library: Any, photo: PhotoRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{photo.name} — {_caption(photo).replace(chr(10), ', ')}")
        self.image = _full_image(library, photo)
        layout = QVBoxLayout(self)
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidget(self.label)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll, 1)
        self.zoom = QSlider(Qt.Orientation.Horizontal)
        self.zoom.setRange(10, 200)
        self.zoom.setValue(60)
        self.zoom.valueChanged.connect(self._render)
        row = QHBoxLayout()
        zoom = QLabel(self.tr("&Zoom"))
        zoom.setBuddy(self.zoom)
        row.addWidget(zoom)
        row.addWidget(self.zoom, 1)
        layout.addLayout(row)
        fit_to_screen(self, 900, 760)
        self._render()

    def _render(self) -> None:
        scale = self.zoom.value() / 100
        self.label.setPixmap(QPixmap.fromImage(self.image).scaled(
            int(self.image.width() * scale), int(self.image.height() * scale),
            Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))


class FittedImage(QLabel):
    """An image drawn as large as the label's room allows, aspect kept: a dialog made
    smaller to fit a 1366×768 screen shrinks its photos instead of cutting them off."""

    def __init__(self, image: QImage, parent: QWidget | None = None):
        super().__init__(parent)
        self.image = image
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(160, 120)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def set_image(self, image: QImage) -> None:
        self.image = image
        self._draw()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._draw()

    def _draw(self) -> None:
        if self.image.isNull():
            return
        self.setPixmap(QPixmap.fromImage(self.image.scaled(
            self.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)))


class ZoomPane(QScrollArea):
    """A photo at a zoom of its fitted size (1 = the whole photo in view); drag it, or
    scroll, to move it. `moved` tells where (fractions of the way), so a twin can follow."""

    moved = Signal(float, float)

    def __init__(self, image: QImage, parent: QWidget | None = None):
        super().__init__(parent)
        self.image = image
        self.zoom = 1.0
        self._drag: QPoint | None = None
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidget(self.label)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(160, 120)
        self.label.installEventFilter(self)
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.valueChanged.connect(lambda _value: self.moved.emit(*self.position()))

    def set_zoom(self, zoom: float) -> None:
        """Zoom about the same spot of the photo (once the scroll area has taken the new
        size, which it does on its next layout)."""
        where = self.position()
        self.zoom = zoom
        self._draw()
        QTimer.singleShot(0, self, lambda: self.move_to(*where))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._draw()

    def _draw(self) -> None:
        if self.image.isNull():
            return
        room = self.maximumViewportSize()
        fitted = self.image.size().scaled(room, Qt.AspectRatioMode.KeepAspectRatio)
        pixmap = QPixmap.fromImage(self.image.scaled(
            fitted * self.zoom, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
        self.label.setPixmap(pixmap)
        self.label.resize(pixmap.size())

    def position(self) -> tuple[float, float]:
        bars = (self.horizontalScrollBar(), self.verticalScrollBar())
        return tuple(bar.value() / bar.maximum() if bar.maximum() else 0.5  # type: ignore
                     for bar in bars)

    def move_to(self, x: float, y: float) -> None:
        for bar, fraction in ((self.horizontalScrollBar(), x), (self.verticalScrollBar(), y)):
            with QSignalBlocker(bar):  # the twin moved us: do not tell it back
                bar.setValue(round(fraction * bar.maximum()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            self._drag = event.position().toPoint()  # type: ignore[attr-defined]
        elif kind == QEvent.Type.MouseMove and self._drag is not None:
            now = event.position().toPoint()  # type: ignore[attr-defined]
            delta = now - self._drag
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
        elif kind == QEvent.Type.MouseButtonRelease:
            self._drag = None
        return False


class CompareDialog(QDialog):
    """Two photos side by side, zoomed and moved together, or one over the other with an
    opacity slider."""

    def __init__(self, library: Any, before: PhotoRow, after: PhotoRow,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Compare photos"))
        self.before, self.after = _full_image(library, before), _full_image(library, after)
        layout = QVBoxLayout(self)
        tabs = QTabWidget()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        photos_row = QHBoxLayout()
        self.panes: list[ZoomPane] = []
        for image, photo in ((self.before, before), (self.after, after)):
            column = QVBoxLayout()
            caption = QLabel(_caption(photo).replace("\n", " · "))
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            pane = ZoomPane(image)
            pane.setAccessibleName(self.tr("Photo of {caption}").format(
                caption=caption.text()))
            column.addWidget(pane, 1)
            column.addWidget(caption)
            photos_row.addLayout(column)
            self.panes.append(pane)
        first, second = self.panes
        first.moved.connect(second.move_to)  # one photo moved: the other follows
        second.moved.connect(first.move_to)
        side_layout.addLayout(photos_row, 1)
        zoom_row = QHBoxLayout()
        zoom_label = QLabel(self.tr("&Zoom (both photos; drag a photo to move both)"))
        self.zoom = QSlider(Qt.Orientation.Horizontal)
        self.zoom.setRange(100, 400)
        self.zoom.setValue(100)
        self.zoom.valueChanged.connect(
            lambda value: [pane.set_zoom(value / 100) for pane in self.panes])
        zoom_label.setBuddy(self.zoom)
        zoom_row.addWidget(zoom_label)
        zoom_row.addWidget(self.zoom, 1)
        side_layout.addLayout(zoom_row)
        tabs.addTab(side, self.tr("&Side by side"))
        overlay = QWidget()
        overlay_layout = QVBoxLayout(overlay)
        self.overlay_label = FittedImage(QImage())
        overlay_layout.addWidget(self.overlay_label, 1)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(50)
        self.opacity.valueChanged.connect(self._blend)
        self.opacity.setAccessibleName(self.tr("How much of the later photo shows"))
        row = QHBoxLayout()
        row.addWidget(QLabel(_caption(before).split("\n")[0]))
        row.addWidget(self.opacity, 1)
        row.addWidget(QLabel(_caption(after).split("\n")[0]))
        overlay_layout.addLayout(row)
        tabs.addTab(overlay, self.tr("O&verlay"))
        layout.addWidget(tabs)
        fit_to_screen(self, 920, 720)
        self._blend()

    def blended(self) -> QImage:
        size = QSize(1280, 1280)
        base = self.before.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
        top = self.after.scaled(base.size(), Qt.AspectRatioMode.IgnoreAspectRatio,
                                Qt.TransformationMode.SmoothTransformation)
        result = base.convertToFormat(QImage.Format.Format_ARGB32)
        painter = QPainter(result)
        painter.setOpacity(self.opacity.value() / 100)
        painter.drawImage(0, 0, top)
        painter.end()
        return result

    def _blend(self) -> None:
        self.overlay_label.set_image(self.blended())


def report_pages(photos: Sequence[PhotoRow]) -> list[list[tuple[str, Any]]]:
    """What each page of the report shows: ("heading", text) and ("photo", photo) in order.

    Two photos a page, each step's photos under its heading; a step that runs onto the next
    page repeats its heading there, marked (continued).
    """
    pages: list[list[tuple[str, Any]]] = []
    placed = 0
    for heading, members in group_by_step(photos):
        for index, photo in enumerate(members):
            if placed % 2 == 0:
                pages.append([])
            if index == 0:
                pages[-1].append(("heading", heading))
            elif placed % 2 == 0:
                pages[-1].append(("heading", translate("photos", "{heading} (continued)").format(
                    heading=heading)))
            pages[-1].append(("photo", photo))
            placed += 1
    return pages


def write_report(path: Path, title: str, photos: Sequence[PhotoRow], library: Any) -> int:
    """A PDF of the patient's photos grouped by step: a heading per step, two photos a page,
    each with its date and file name."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(150)
    report = translate("photos", "Progress report — {patient}").format(patient=title)
    writer.setTitle(report)
    painter = QPainter(writer)
    if not painter.isActive():
        raise OSError(translate("photos", "Cannot write {path}").format(path=path))
    page_w, page_h = writer.width(), writer.height()
    margin, title_h, heading_h = 60, 90, 60
    # Room on every page for the title, two headings and two photos.
    slot_h = (page_h - 2 * margin - title_h - 2 * heading_h) // 2
    width = page_w - 2 * margin
    font = painter.font()
    font.setPointSize(14)
    painter.setFont(font)
    painter.drawText(QRect(margin, margin, width, 60), 0, report)
    pages = report_pages(photos) or [[]]
    for number, page in enumerate(pages):
        y = margin + title_h
        if number:
            writer.newPage()
            y = margin
        for kind, value in page:
            if kind == "heading":
                font.setPointSize(12)
                font.setBold(True)
                painter.setFont(font)
                painter.drawText(QRect(margin, y + 10, width, heading_h - 16), 0, value)
                painter.drawLine(margin, y + heading_h - 6, margin + width, y + heading_h - 6)
                y += heading_h
                continue
            image = QImage(str(library.thumbnail_path(value.sha256, 1280)))
            box = QRect(margin, y + 10, width, slot_h - 80)
            if not image.isNull():
                scaled = image.scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation)
                painter.drawImage(box.x() + (box.width() - scaled.width()) // 2, box.y(),
                                  scaled)
            font.setPointSize(10)
            font.setBold(False)
            painter.setFont(font)
            painter.drawText(QRect(margin, y + slot_h - 62, width, 50), 0,
                             _seen(value) + (" " + translate("photos", "✓ completed the step")
                                              if value.completed else "")
                             + f" · {value.name}")
            y += slot_h
    painter.end()
    return len(pages)
