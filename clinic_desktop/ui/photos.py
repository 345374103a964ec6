"""Photo timeline grouped by step, a zoomable viewer, side-by-side/overlay compare, PDF report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clinic_desktop.ui.qt import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QIcon,
    QImage,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPixmap,
    QPushButton,
    QRect,
    QScrollArea,
    QSize,
    QSlider,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from clinic_desktop.ui.tasks import TaskRunner
from clinic_desktop.ui.widgets import hint, show_error, show_info


def _library(context: Any) -> Any:
    from clinic_desktop.photos.importer import library_for

    return library_for(context.sessions, context.paths.data_dir)


def _caption(photo: dict[str, Any]) -> str:
    step = f"step {photo['step'][0]}" if photo["step"] else "no step"
    taken = f"{photo['taken_at'].astimezone():%d %b %Y}" if photo["taken_at"] else "date unknown"
    return f"{taken}\n{step}" + (" ✓" if photo["completed"] else "")


class PhotoTimeline(QWidget):
    """Thumbnails in time order, grouped by step; select two to compare."""

    def __init__(self, context: Any, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        self.photos: list[dict[str, Any]] = []
        self.report_title = ""
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.note = hint("")
        bar.addWidget(self.note, 1)
        for text, slot in (("View", self.view_selected), ("Compare", self.compare_selected),
                           ("First ↔ latest", self.compare_first_latest),
                           ("PDF report…", self.export_pdf)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            bar.addWidget(button)
        layout.addLayout(bar)
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(160, 160))
        self.list.setGridSize(QSize(190, 220))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.itemDoubleClicked.connect(lambda item: self._open(item))
        layout.addWidget(self.list, 1)

    def show_photos(self, photos: list[dict[str, Any]]) -> None:
        self.photos = photos
        self.list.clear()
        library = _library(self.context)
        for index, photo in enumerate(photos):
            thumb = library.thumbnail_path(photo["sha256"], 256)
            item = QListWidgetItem(QIcon(QPixmap(str(thumb))), _caption(photo))
            item.setData(Qt.ItemDataRole.UserRole, index)
            item.setToolTip(photo["name"])
            self.list.addItem(item)
        self.note.setText(f"{len(photos)} photo(s). Double-click to view; select two and "
                          "press Compare." if photos else
                          "No photos yet. Drop photo files here or use Import photos…")

    def _selected(self) -> list[dict[str, Any]]:
        return [self.photos[item.data(Qt.ItemDataRole.UserRole)]
                for item in self.list.selectedItems()]

    def _open(self, item: QListWidgetItem) -> None:
        PhotoViewer(self.context, self.photos[item.data(Qt.ItemDataRole.UserRole)], self).exec()

    def view_selected(self) -> None:
        chosen = self._selected()
        if chosen:
            PhotoViewer(self.context, chosen[0], self).exec()

    def compare_selected(self) -> None:
        chosen = self._selected()
        if len(chosen) != 2:
            show_error(self, "Select exactly two photos to compare (Ctrl+click).")
            return
        CompareDialog(self.context, chosen[0], chosen[1], self).exec()

    def compare_first_latest(self) -> None:
        if len(self.photos) < 2:
            show_error(self, "Comparing needs at least two photos.")
            return
        CompareDialog(self.context, self.photos[0], self.photos[-1], self).exec()

    def export_pdf(self) -> None:
        if not self.photos:
            show_error(self, "There are no photos to put in a report.")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Progress report", "progress-report.pdf",
                                              "PDF (*.pdf)")
        if not path:
            return
        photos, library, heading = list(self.photos), _library(self.context), self.report_title
        self.tasks.run(lambda: write_report(Path(path), heading, photos, library),
                       lambda pages: show_info(self, f"Report written: {path} ({pages} "
                                               "page(s))."),
                       lambda m: show_error(self, m))


def _full_image(context: Any, photo: dict[str, Any]) -> QImage:
    """The upright 1280 px version (the original may be HEIC or rotated by EXIF)."""
    return QImage(str(_library(context).thumbnail_path(photo["sha256"], 1280)))


class PhotoViewer(QDialog):
    def __init__(self, context: Any, photo: dict[str, Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{photo['name']} — {_caption(photo).replace(chr(10), ', ')}")
        self.image = _full_image(context, photo)
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
        row.addWidget(QLabel("Zoom"))
        row.addWidget(self.zoom, 1)
        layout.addLayout(row)
        self.resize(900, 760)
        self._render()

    def _render(self) -> None:
        scale = self.zoom.value() / 100
        self.label.setPixmap(QPixmap.fromImage(self.image).scaled(
            int(self.image.width() * scale), int(self.image.height() * scale),
            Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))


class CompareDialog(QDialog):
    """Two photos side by side, or one over the other with an opacity slider."""

    def __init__(self, context: Any, before: dict[str, Any], after: dict[str, Any],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Compare photos")
        self.before, self.after = _full_image(context, before), _full_image(context, after)
        layout = QVBoxLayout(self)
        tabs = QTabWidget()
        side = QWidget()
        side_layout = QHBoxLayout(side)
        for image, photo in ((self.before, before), (self.after, after)):
            column = QVBoxLayout()
            label = QLabel()
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setPixmap(QPixmap.fromImage(image).scaled(
                420, 560, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
            caption = QLabel(_caption(photo).replace("\n", " · "))
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            # Stretch above and below keeps each caption right under its picture.
            column.addStretch(1)
            column.addWidget(label)
            column.addWidget(caption)
            column.addStretch(1)
            side_layout.addLayout(column)
        tabs.addTab(side, "Side by side")
        overlay = QWidget()
        overlay_layout = QVBoxLayout(overlay)
        self.overlay_label = QLabel()
        self.overlay_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        overlay_layout.addWidget(self.overlay_label, 1)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(50)
        self.opacity.valueChanged.connect(self._blend)
        row = QHBoxLayout()
        row.addWidget(QLabel(_caption(before).split("\n")[0]))
        row.addWidget(self.opacity, 1)
        row.addWidget(QLabel(_caption(after).split("\n")[0]))
        overlay_layout.addLayout(row)
        tabs.addTab(overlay, "Overlay")
        layout.addWidget(tabs)
        self.resize(920, 720)
        self._blend()

    def blended(self) -> QImage:
        size = QSize(560, 560)
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
        self.overlay_label.setPixmap(QPixmap.fromImage(self.blended()))


def write_report(path: Path, title: str, photos: list[dict[str, Any]], library: Any) -> int:
    """A PDF with the patient's photos, two per page, each with its date and step."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(150)
    writer.setTitle(f"Progress report — {title}")
    painter = QPainter(writer)
    if not painter.isActive():
        raise OSError(f"Cannot write {path}")
    page_w, page_h = writer.width(), writer.height()
    margin, pages = 60, 1
    font = painter.font()
    font.setPointSize(14)
    painter.setFont(font)
    painter.drawText(QRect(margin, margin, page_w - 2 * margin, 60), 0,
                     f"Progress report — {title}")
    y = margin + 90
    slot_h = (page_h - y - margin) // 2
    for index, photo in enumerate(photos):
        if index and index % 2 == 0:
            writer.newPage()
            pages += 1
            y = margin
        image = QImage(str(library.thumbnail_path(photo["sha256"], 1280)))
        box = QRect(margin, y, page_w - 2 * margin, slot_h - 70)
        if not image.isNull():
            scaled = image.scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
            painter.drawImage(box.x() + (box.width() - scaled.width()) // 2, box.y(), scaled)
        font.setPointSize(10)
        painter.setFont(font)
        painter.drawText(QRect(margin, y + slot_h - 60, page_w - 2 * margin, 50), 0,
                         _caption(photo).replace("\n", " · ") + f" · {photo['name']}")
        y += slot_h
    painter.end()
    return pages
