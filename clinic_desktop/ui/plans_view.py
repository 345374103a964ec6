"""Plan templates: list them, see their steps, and make, edit, duplicate or delete them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clinic_desktop.domain import staff_changes
from clinic_desktop.domain.plans import StepSpec, list_templates
from clinic_desktop.ui.i18n import translate
from clinic_desktop.ui.qt import (
    QT_TRANSLATE_NOOP,
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QModelIndex,
    QPushButton,
    QSpinBox,
    QSplitter,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from clinic_desktop.ui.tasks import TaskRunner
from clinic_desktop.ui.widgets import (
    RowsModel,
    fit_to_screen,
    hint,
    make_table,
    selected_key,
    show_error,
    title_bar,
)

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext
    from clinic_desktop.domain.plans import StepSpec

COPIES_HINT = QT_TRANSLATE_NOOP("plans", "Patients who already have a plan keep their own copy "
                                "of its steps: editing or deleting a template changes only the "
                                "plans applied after that.")



@dataclass(frozen=True)
class TemplateData:
    """A template as read from the database: plain values the widgets can keep."""

    id: int
    name: str
    description: str
    steps: tuple[StepSpec, ...]

    @property
    def total_days(self) -> int:
        return sum(s.duration_days for s in self.steps)


def read_templates(sessions: Any) -> list[TemplateData]:
    """Every plan template with its steps, as plain values (runs in a worker)."""
    with sessions() as session:
        return [TemplateData(t.id, t.name, t.description, tuple(
            StepSpec(s.name, s.duration_days, s.instructions) for s in t.steps))
            for t in list_templates(session)]


class PlansView(QWidget):
    def __init__(self, context: AppContext, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        self.templates: dict[int, TemplateData] = {}
        self._generation = 0  # answers to an older refresh are dropped
        layout = QVBoxLayout(self)
        selected_only = (self.tr("&Edit…"), self.tr("D&uplicate…"), self.tr("&Delete…"))
        layout.addLayout(title_bar(self.tr("Plan templates"), [
            (self.tr("&New template…"), self.new_template),
            (selected_only[0], self.edit_template), (selected_only[1], self.duplicate_template),
            (selected_only[2], self.delete_template)]))
        self.needs_selection = [b for b in self.findChildren(QPushButton)
                                if b.text() in selected_only]
        # Disabled while the list loads or a template is deleted: nothing acts on a list
        # that is about to change.
        self.actions = self.findChildren(QPushButton)
        layout.addWidget(hint(self.tr("A template is applied to a patient from the patient's "
                                      "page (Apply plan…); its first step starts on the chosen "
                                      "day.") + " " + translate("plans", COPIES_HINT)))
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = RowsModel([self.tr("Name"), self.tr("Steps"), self.tr("Total days"),
                                self.tr("Description")], self)
        self.table = make_table(self.model)
        self.table.setAccessibleName(self.tr("Plan templates"))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_steps())
        self.table.doubleClicked.connect(lambda _index: self.edit_template())
        splitter.addWidget(self.table)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 6, 0, 0)
        self.detail_title = QLabel("")
        detail_layout.addWidget(self.detail_title)
        self.steps_model = RowsModel(["#", self.tr("Step"), self.tr("Days"),
                                      self.tr("Instructions")], self)
        self.steps_table = make_table(self.steps_model)
        self.steps_table.setAccessibleName(self.tr("Steps of the selected template"))
        self.steps_table.setWordWrap(True)
        self.steps_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)  # long instructions wrap, not cut off
        detail_layout.addWidget(self.steps_table, 1)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)

    # --- showing ------------------------------------------------------------------------

    def steps_summary(self, count: int, days: int) -> str:
        return self.tr("%n step(s), {days} days in all", "", count).format(days=days)

    def refresh(self, select: int | None = None) -> None:
        """Reload the list in a worker; keep the selected template selected (or select
        `select`)."""
        keep = select if select is not None else selected_key(self.table, self.model)
        self._generation += 1
        generation, sessions = self._generation, self.context.sessions
        if not self.templates:
            self.detail_title.setText(self.tr("Loading the plan templates…"))

        def done(templates: list[TemplateData]) -> None:
            if generation == self._generation:  # else a newer answer is on its way
                self._show_templates(templates, keep)

        self.tasks.op(lambda: read_templates(sessions), self).success(done) \
            .busy(*self.actions).run()

    def _show_templates(self, templates: list[TemplateData], keep: int | None) -> None:
        self.templates = {t.id: t for t in templates}
        self.model.set_rows([[t.name, len(t.steps), t.total_days, t.description]
                             for t in templates], [t.id for t in templates])
        for column in range(3):
            self.table.resizeColumnToContents(column)
        if templates:  # the new rows have no selection yet: selecting shows the steps
            ids = [t.id for t in templates]
            self.table.selectRow(ids.index(keep) if keep in ids else 0)
        else:
            self._show_steps()

    def selected(self) -> TemplateData | None:
        return self.templates.get(selected_key(self.table, self.model))

    def _show_steps(self) -> None:
        template = self.selected()
        for button in self.needs_selection:
            button.setEnabled(template is not None)
        if template is None:
            self.detail_title.setText(self.tr("No plan templates yet. Make one with New "
                                              "template…: a name, a number of steps and their "
                                              "days.")
                                      if not self.templates else "")
            self.steps_model.set_rows([])
            return
        self.detail_title.setText(self.tr("Steps of “{name}”: {summary}").format(
            name=template.name, summary=self.steps_summary(len(template.steps),
                                                      template.total_days)))
        self.steps_model.set_rows([[n, s.name, s.duration_days, s.instructions]
                                   for n, s in enumerate(template.steps, start=1)])
        for column in range(3):  # the instructions take the rest of the width
            self.steps_table.resizeColumnToContents(column)

    # --- changing -----------------------------------------------------------------------

    def new_template(self) -> None:
        self._open_dialog(TemplateDialog(self.context, self.tasks, self))

    def edit_template(self) -> None:
        template = self.selected()
        if template is not None:
            self._open_dialog(TemplateDialog(self.context, self.tasks, self, template,
                                             editing=True))

    def duplicate_template(self) -> None:
        template = self.selected()
        if template is not None:
            self._open_dialog(TemplateDialog(self.context, self.tasks, self, template))

    def _open_dialog(self, dialog: TemplateDialog) -> None:
        dialog.exec()
        # Also after Cancel: the dialog may have found the template deleted by another PC.
        self.refresh(select=dialog.saved_id)

    def delete_template(self) -> None:
        template = self.selected()
        if template is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete plan template"),
            self.tr("Delete the plan template “{name}” ({summary})?\n\nPatients who already "
                    "have this plan keep their steps; it can no longer be applied to anyone "
                    "else.").format(name=template.name, summary=self.steps_summary(
                        len(template.steps), template.total_days)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        sessions, template_id = self.context.sessions, template.id
        # Refreshed also after a refusal: another PC may have deleted it already.
        self.tasks.op(lambda: staff_changes.delete_plan_template(sessions, template_id)) \
            .success(lambda _none: self.refresh()) \
            .failure(lambda m: (show_error(self, m), self.refresh())).busy(*self.actions).run()


class StepsModel(RowsModel):
    """The dialog's steps, edited in place: name, days (a number box), instructions."""

    DAYS = 1

    def __init__(self, parent: Any = None):
        super().__init__((translate("plans", "Step"), translate("plans", "Days"),
                          translate("plans", "Instructions")), parent)
        self.rows: list[list[Any]] = []  # type: ignore[assignment]  # edited in place

    def set_rows(self, rows: Any, keys: Any = None) -> None:
        super().set_rows([list(r) for r in rows], keys)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.EditRole:
            return value  # an int for days: Qt edits it in a number box
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.DAYS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: QModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        if index.column() == self.DAYS:
            try:
                value = int(value)
            except (TypeError, ValueError):
                return False
        self.rows[index.row()][index.column()] = value if index.column() == self.DAYS \
            else str(value)
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return super().headerData(section, orientation, role)

    def insert(self, row: int, values: list[Any]) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.insert(row, list(values))
        self.endInsertRows()

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rows[row]
        self.endRemoveRows()

    def swap_with_next(self, row: int) -> None:
        # Qt's destination is the row *before which* the moved row lands.
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), row + 2)
        self.rows[row], self.rows[row + 1] = self.rows[row + 1], self.rows[row]
        self.endMoveRows()

    def steps(self) -> list[StepSpec]:
        return [StepSpec(str(name), int(days), str(instructions))
                for name, days, instructions in self.rows]


def next_step_name(previous: str, position: int) -> str:
    """After "Aligner 24" comes "Aligner 25"; after a name without a number, "Step N"."""
    match = re.fullmatch(r"(.*?)(\d+)", previous.strip())
    if match:
        return f"{match.group(1)}{int(match.group(2)) + 1}"
    return translate("plans", "Step {number}").format(number=position)


class TemplateDialog(QDialog):
    """A new template (empty, or a copy of `template`), or with `editing` that template.

    The dialog saves on Save and stays open with what was typed when the core refuses it.
    """

    def __init__(self, context: AppContext, tasks: TaskRunner, parent: QWidget | None = None,
                 template: TemplateData | None = None, editing: bool = False):
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        self.editing_id = template.id if template is not None and editing else None
        self.saved_id: int | None = None
        if template is not None and editing:
            self.setWindowTitle(self.tr("Edit plan template “{name}”").format(
                name=template.name))
        elif template is not None:
            self.setWindowTitle(self.tr("Duplicate plan template"))
        else:
            self.setWindowTitle(self.tr("New plan template"))
        layout = QVBoxLayout(self)

        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. Clear aligners, 20 sets"))
        self.description = QLineEdit()
        self.description.setPlaceholderText(self.tr("optional: what the plan is for"))
        form.addRow(self.tr("&Name"), self.name)
        form.addRow(self.tr("Descr&iption"), self.description)
        layout.addLayout(form)

        fill_box = QGroupBox(self.tr("Fill all the steps at once (replaces the list below)"))
        fill_row = QHBoxLayout(fill_box)
        self.count = QSpinBox()
        self.count.setRange(1, 200)
        self.count.setValue(24)
        self.days = QSpinBox()
        self.days.setRange(1, 3650)
        self.days.setValue(14)
        self.prefix = QLineEdit(self.tr("Aligner"))
        self.prefix.setMinimumWidth(140)
        fill = QPushButton(self.tr("&Fill the steps below"))
        fill.clicked.connect(self._fill)
        for text, widget in ((self.tr("Number of &steps"), self.count),
                             (self.tr("Days &per step"), self.days),
                             (self.tr("Step na&me"), self.prefix)):
            label = QLabel(text)
            label.setBuddy(widget)
            fill_row.addWidget(label)
            fill_row.addWidget(widget)
        fill_row.addStretch(1)
        fill_row.addWidget(fill)
        layout.addWidget(fill_box)

        grid = QHBoxLayout()
        self.model = StepsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Steps of the plan"))
        corner = self.table.findChild(QAbstractButton, "qt_tableview_cornerbutton")
        if corner is not None:  # Qt's own button above the row numbers: selects every step
            corner.setAccessibleName(self.tr("Select every step"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        grid.addWidget(self.table, 1)
        side = QVBoxLayout()
        for text, slot in ((self.tr("&Add step"), self.add_step),
                           (self.tr("&Remove step"), self.remove_step),
                           (self.tr("Move &up"), lambda: self.move_step(-1)),
                           (self.tr("Move do&wn"), lambda: self.move_step(1))):
            button = QPushButton(text)
            button.clicked.connect(slot)
            side.addWidget(button)
        side.addStretch(1)
        grid.addLayout(side)
        layout.addLayout(grid, 1)

        self.total = QLabel("")
        layout.addWidget(self.total)
        layout.addWidget(hint(self.tr("Double-click a cell (or start typing) to change it.")
                              + " " + translate("plans", COPIES_HINT)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons

        for signal in (self.model.dataChanged, self.model.rowsInserted,
                       self.model.rowsRemoved, self.model.rowsMoved, self.model.modelReset):
            signal.connect(self._changed)
        if template is None:
            self._fill()
        else:
            self.name.setText(template.name if editing else f"{template.name} (copy)")
            self.description.setText(template.description)
            self.count.setValue(max(1, min(len(template.steps), self.count.maximum())))
            if template.steps:
                first = template.steps[0]
                self.days.setValue(max(1, first.duration_days))
                self.prefix.setText(re.sub(r"\s*\d+$", "", first.name.strip())
                                    or self.tr("Step"))
            self.model.set_rows([[s.name, s.duration_days, s.instructions]
                                 for s in template.steps])
        self.table.setColumnWidth(0, 160)
        self.table.setColumnWidth(1, 60)
        fit_to_screen(self, 1000, 660)

    # --- the steps ----------------------------------------------------------------------

    def steps_summary(self, count: int, days: int) -> str:
        return self.tr("%n step(s), {days} days in all", "", count).format(days=days)

    def _fill(self) -> None:
        prefix = self.prefix.text().strip() or self.tr("Step")
        self.model.set_rows([[f"{prefix} {n}", self.days.value(), ""]
                             for n in range(1, self.count.value() + 1)])

    def _changed(self, *_args: Any) -> None:
        rows = self.model.rows
        days = sum(int(r[1]) for r in rows)
        self.total.setText(self.steps_summary(len(rows), days) if rows else
                           self.tr("No steps: add at least one."))

    def current_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def add_step(self) -> None:
        """A step after the selected one (else at the end), like the one before it."""
        current = self.current_row()
        row = len(self.model.rows) if current is None else current + 1
        if row > 0:
            before_name, before_days, _ = self.model.rows[row - 1]
            values = [next_step_name(str(before_name), row + 1), before_days, ""]
        else:
            values = [f"{self.prefix.text().strip() or self.tr('Step')} 1", self.days.value(),
                      ""]
        self.model.insert(row, values)
        self.select_row(row)

    def remove_step(self) -> None:
        row = self.current_row()
        if row is None:
            return
        self.model.remove(row)
        if self.model.rows:
            self.select_row(min(row, len(self.model.rows) - 1))

    def move_step(self, by: int) -> None:
        row = self.current_row()
        if row is None or not 0 <= row + by < len(self.model.rows):
            return
        self.model.swap_with_next(min(row, row + by))
        self.select_row(row + by)

    # --- saving -------------------------------------------------------------------------

    def values(self) -> tuple[str, str, list[StepSpec]]:
        return self.name.text(), self.description.text(), self.model.steps()

    def save(self) -> None:
        """Saved in a worker; the buttons wait for the answer (no second template)."""
        if self.tasks.running(self.buttons):  # Enter again while it saves
            return
        name, description, steps = self.values()
        sessions, editing_id = self.context.sessions, self.editing_id

        def done(saved_id: int) -> None:
            self.saved_id = saved_id
            self.accept()

        self.total.setText(self.tr("Saving…"))
        # A refusal leaves the dialog open, with everything as typed.
        self.tasks.op(lambda: staff_changes.save_plan_template(
            sessions, editing_id, name, steps, description)).success(done).failure(
            lambda m: (self._changed(), show_error(self, m))).busy(self.buttons).run()

    def reject(self) -> None:
        if not self.tasks.running(self.buttons):  # Esc while saving: the answer decides
            super().reject()
