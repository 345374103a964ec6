"""Plan templates: see them, and make new ones (a named list of steps)."""

from __future__ import annotations

from typing import Any

from clinic_desktop.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from clinic_desktop.ui.widgets import hint, show_error, title_bar


class PlansView(QWidget):
    def __init__(self, context: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        layout.addLayout(title_bar("Plan templates", [("New template…", self.new_template)]))
        layout.addWidget(hint("A template is applied to a patient from the patient's page "
                              "(Apply plan…); its first step starts on the chosen day."))
        self.text = QTextBrowser()
        layout.addWidget(self.text, 1)

    def refresh(self) -> None:
        from clinic_desktop.domain.plans import list_templates

        parts = []
        with self.context.sessions() as session:
            for t in list_templates(session):
                total = sum(s.duration_days for s in t.steps)
                rows = "".join(f"<tr><td>{s.order}</td><td>{s.name}</td>"
                               f"<td>{s.duration_days} days</td><td>{s.instructions}</td></tr>"
                               for s in t.steps)
                parts.append(f"<h3>{t.name}</h3><p>{t.description} — {len(t.steps)} steps, "
                             f"{total} days</p><table cellpadding='3'>{rows}</table>")
        self.text.setHtml("".join(parts) or "<p>No plan templates yet. Make one with "
                          "<b>New template…</b>: a name, a number of steps and their days.</p>")

    def new_template(self) -> None:
        dialog = TemplateDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        from clinic_desktop.db.engine import write_session
        from clinic_desktop.domain.plans import create_template
        from clinic_desktop.errors import ClinicError

        name, steps = dialog.values()
        try:
            with write_session(self.context.sessions) as session:
                create_template(session, name, steps)
        except ClinicError as exc:
            show_error(self, str(exc))
            return
        self.refresh()


class TemplateDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New plan template")
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.count = QSpinBox()
        self.count.setRange(1, 200)
        self.count.setValue(24)
        self.days = QSpinBox()
        self.days.setRange(1, 3650)
        self.days.setValue(14)
        self.prefix = QLineEdit("Aligner")
        fill = QPushButton("Fill the steps below")
        fill.clicked.connect(self._fill)
        form.addRow("Name", self.name)
        form.addRow("Number of steps", self.count)
        form.addRow("Days per step", self.days)
        form.addRow("Step name", self.prefix)
        form.addRow(fill)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Step", "Days", "Instructions"])
        self.table.horizontalHeader().setStretchLastSection(True)
        form.addRow(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(620, 560)
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(self.count.value())
        for row in range(self.count.value()):
            self.table.setItem(row, 0, QTableWidgetItem(f"{self.prefix.text()} {row + 1}"))
            self.table.setItem(row, 1, QTableWidgetItem(str(self.days.value())))
            self.table.setItem(row, 2, QTableWidgetItem(""))

    def values(self) -> tuple[str, list[Any]]:
        from clinic_desktop.domain.plans import StepSpec

        steps = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c) for c in range(3)]
            text = [c.text().strip() if c else "" for c in cells]
            try:
                days = int(text[1])
            except ValueError:
                days = 0  # refused by create_template with the step number
            steps.append(StepSpec(text[0] or f"Step {row + 1}", days, text[2]))
        return self.name.text(), steps
