"""Small shared widgets: a read-only table model, message helpers, icons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from clinic_desktop.config import resources_dir
from clinic_desktop.ui.i18n import translate
from clinic_desktop.ui.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QApplication,
    QBrush,
    QColor,
    QEvent,
    QHBoxLayout,
    QHeaderView,
    QIcon,
    QLabel,
    QMainWindow,
    QMessageBox,
    QModelIndex,
    QObject,
    QPainter,
    QPixmap,
    QPushButton,
    QRect,
    QSettings,
    QSize,
    Qt,
    QTableView,
    QWidget,
)
from clinic_desktop.ui.words import core_text

STATE_COLOURS = {
    "due": "#f6d7a7", "paused": "#d9d9d9", "completed": "#cfe8d5", "skipped": "#e6e6e6",
    "active": "#d6e9f5", "pending": "#ffffff", "scheduled": "#ffffff", "failed": "#f4c7c3",
    "needs_attention": "#f6d7a7", "sent": "#cfe8d5", "queued": "#ffffff",
    "sending": "#d6e9f5", "cancelled": "#e6e6e6",
}


def app_icon() -> QIcon:
    icon = QIcon(str(resources_dir() / "icons" / "clinic-desktop.svg"))
    if icon.isNull():
        icon = QIcon(str(resources_dir() / "logo.png"))
    return icon


def state_icon(colour: str) -> QIcon:
    """The app icon with a coloured dot: green all well, blue sending, red needs attention."""
    pixmap = QPixmap(str(resources_dir() / "logo.png")).scaled(
        64, 64, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(QColor("white"))
    painter.drawEllipse(36, 0, 28, 28)
    painter.end()
    return QIcon(pixmap)


class RowsModel(QAbstractTableModel):
    """A table of plain rows; `set_rows(..., tints)` may colour whole rows (a colour name
    per row, e.g. from STATE_COLOURS by the row's state), `icons` put a picture in the first
    column."""

    def __init__(self, headers: Sequence[str], parent: Any = None):
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[Sequence[Any]] = []
        self.keys: list[Any] = []
        self.tints: list[str | None] = []
        self.icons: list[QIcon] = []

    def set_rows(self, rows: Sequence[Sequence[Any]], keys: Sequence[Any] | None = None,
                 tints: Sequence[str | None] | None = None,
                 icons: Sequence[QIcon] | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.keys = list(keys) if keys is not None else list(range(len(self.rows)))
        self.tints = list(tints) if tints is not None else []
        self.icons = list(icons) if icons is not None else []
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = row[index.column()]
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0 \
                and index.row() < len(self.icons):
            return self.icons[index.row()]
        if role == Qt.ItemDataRole.BackgroundRole and index.row() < len(self.tints):
            colour = self.tints[index.row()]
            return QBrush(QColor(colour)) if colour else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class FileDropTarget:
    """Mixin for a widget that imports photo files or folders dropped on it from Explorer;
    the widget provides `import_files(paths)` and calls `setAcceptDrops(True)`."""

    def import_files(self, paths: list[Path]) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)


class RowFileDrops(QObject):
    """Photo files dropped from Explorer onto a table's rows: `on_drop(row, paths)`, with row
    -1 below the last row. The row under the pointer is selected while dragging, so staff see
    where the files will go."""

    def __init__(self, table: QTableView, on_drop: Callable[[int, list[Path]], None]):
        super().__init__(table)
        self.table = table
        self.on_drop = on_drop
        table.viewport().setAcceptDrops(True)
        table.viewport().installEventFilter(self)

    def _row_at(self, event: Any) -> int:
        return self.table.indexAt(event.position().toPoint()).row()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            return False
        mime = event.mimeData()  # type: ignore[attr-defined]
        if not mime.hasUrls():
            return False
        row = self._row_at(event)
        if kind == QEvent.Type.Drop:
            paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
            if not paths:
                return False
            event.acceptProposedAction()  # type: ignore[attr-defined]
            self.on_drop(row, paths)
            return True
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.table.clearSelection()
        event.acceptProposedAction()  # type: ignore[attr-defined]
        return True


FIT_ROWS = 30  # rows measured to fit a table's columns: more than a screen shows


def make_table(model: QAbstractTableModel, parent: QWidget | None = None,
               stretch_last: bool = True, remember_as: str = "") -> QTableView:
    """A read-only row-selecting table; with `remember_as`, column widths and order are
    kept between sessions (per user, QSettings)."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(stretch_last)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.setWordWrap(False)
    # Widths that fit the first rows, not a thousand rows' worth (the Outbox: 26 ms for 100
    # rows, every cell asked for each of its roles).
    table.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
    if remember_as:
        header = table.horizontalHeader()
        key = f"columns/{remember_as}"
        stored = QSettings().value(key)
        if stored is not None:
            header.restoreState(stored)
            table.setProperty("widths_remembered", True)

        def save(*_args: Any) -> None:
            # What the user did with the mouse (dragged or double-clicked a column's edge),
            # not the table's own fitting and stretching: those would write the file several
            # times at every refresh, and keep widths the user never chose.
            if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
                QSettings().setValue(key, header.saveState())

        header.sectionResized.connect(save)
        header.sectionMoved.connect(save)
    return table


def fit_columns(table: QTableView) -> None:
    """Size columns to their contents, unless the user's own widths were restored."""
    if not table.property("widths_remembered"):
        table.resizeColumnsToContents()


def selected_key(table: QTableView, model: RowsModel) -> Any:
    rows = table.selectionModel().selectedRows()
    return model.keys[rows[0].row()] if rows else None


def show_error(parent: QWidget | None, message: str, title: str = "Clinic Desktop") -> None:
    QMessageBox.warning(parent, title, core_text(message))


STATUS_MS = 15_000  # how long a "done" message stays in the status bar


def in_status_bar(parent: QWidget | None, message: str) -> bool:
    """Put a "done" message in the status bar of the main window `parent` is in; False when
    it is not in one (a dialog of its own)."""
    window = parent.window() if parent is not None else None
    if not isinstance(window, QMainWindow):
        return False
    window.statusBar().showMessage(message, STATUS_MS)
    return True


def show_info(parent: QWidget | None, message: str, title: str = "Clinic Desktop") -> None:
    """One pattern for "done": a message in the status bar, nothing to click away; a message
    box only where there is no main window behind. A sentence of the core is said in the
    app's language."""
    message = core_text(message)
    if not in_status_bar(parent, message):
        QMessageBox.information(parent, title, message)


def offer_settings(parent: QWidget | None, title: str) -> bool:
    """Mail cannot go out until a setting, the password or a certificate is fixed: say so in
    words (the core's sentence names a command) and offer to open Settings. True: open."""
    answer = QMessageBox.question(
        parent, title, translate("widgets", "Emails cannot be sent until the mail settings "
                                 "are fixed (server, password or certificate).\n\nOpen "
                                 "Settings now?"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes)
    return answer == QMessageBox.StandardButton.Yes


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSize(font.pointSize() + 4)
    font.setBold(True)
    label.setFont(font)
    return label


def title_bar(title: str, actions: Sequence[tuple[str, Callable[[], Any]]]) -> QHBoxLayout:
    """A view's heading on the left and its buttons on the right."""
    row = QHBoxLayout()
    row.addWidget(heading(title))
    row.addStretch(1)
    for text, slot in actions:
        button = QPushButton(text)
        button.clicked.connect(slot)
        row.addWidget(button)
    return row


# What a window's frame adds around its geometry on Windows and common Linux window managers:
# a border on the left, right and bottom, and the title bar above. The screen's free area
# must hold the frame too.
BORDER, TITLE_BAR = 8, 32
FRAME = QSize(2 * BORDER, TITLE_BAR + BORDER)


def start_geometry(available: QRect, wanted: QSize, frame: QSize = FRAME) -> QRect:
    """Where a window of `wanted` size opens: as large as asked but never past the free area
    of the screen (a 1366×768 clinic PC with a taskbar leaves about 1366×728), centred."""
    width = min(wanted.width(), available.width() - frame.width())
    height = min(wanted.height(), available.height() - frame.height())
    left = available.left() + (available.width() - width) // 2
    top = available.top() + (available.height() - height - frame.height()) // 2 \
        + frame.height() - frame.width() // 2
    return QRect(left, top, width, height)


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Give a window or dialog its start size, shrunk to fit the screen it opens on."""
    screen = window.screen() or QApplication.primaryScreen()
    # Never narrower than the window can be (longer words in German), centred all the same.
    wanted = QSize(width, height).expandedTo(window.minimumSizeHint())
    if screen is None:
        window.resize(wanted)
        return
    window.setGeometry(start_geometry(screen.availableGeometry(), wanted))


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #5a6670;")
    return label
