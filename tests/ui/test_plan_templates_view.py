"""The Plan templates view: edit, duplicate and delete templates on the demo clinic."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from clinic_desktop.db.models import PlanTemplate
from clinic_desktop.domain.plans import get_template
from clinic_desktop.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QSpinBox,
    Qt,
)

ALIGNERS = "Clear aligners"  # 24 steps of 14 days
RETAINERS = "Retainer follow-up"  # 6 steps of 30 days
WAIT = 10_000  # ms


def answered(qtbot: Any, view: Any) -> None:
    """Until the view's background reads and writes have answered (they run in workers)."""
    qtbot.waitUntil(lambda: view.tasks.pending() == 0, timeout=WAIT)


def button(widget: Any, text: str) -> QPushButton:
    found = [b for b in widget.findChildren(QPushButton) if b.text().replace("&", "") == text]
    assert len(found) == 1, f"{len(found)} buttons labelled {text!r}"
    return found[0]


def save_button(dialog: Any) -> QPushButton:
    return dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)


def column(model: Any, col: int) -> list[str]:
    return [str(model.data(model.index(r, col))) for r in range(model.rowCount())]


def stored(context: Any, name: str) -> list[tuple[str, int]]:
    with context.sessions() as session:
        return [(s.name, s.duration_days) for s in get_template(session, name).steps]


def template_names(context: Any) -> list[str]:
    with context.sessions() as session:
        return list(session.scalars(select(PlanTemplate.name).order_by(PlanTemplate.name)))


@pytest.fixture
def plans(qtbot: Any, window: Any) -> Any:
    window.nav.setCurrentRow(4)
    view = window.plans
    assert window.stack.currentWidget() is view
    qtbot.waitUntil(lambda: column(view.model, 0) == [ALIGNERS, RETAINERS], timeout=WAIT)
    return view


def select_template(view: Any, name: str) -> None:
    view.table.selectRow(column(view.model, 0).index(name))
    assert view.selected().name == name


def test_the_list_shows_each_template_and_the_selected_ones_steps(plans: Any) -> None:
    assert column(plans.model, 1) == ["24", "6"]
    assert column(plans.model, 2) == ["336", "180"]
    assert column(plans.model, 3)[0] == "Aligner series, one set every 14 days"
    assert plans.selected().name == ALIGNERS  # the first is selected on opening
    assert plans.detail_title.text() == "Steps of “Clear aligners”: 24 steps, 336 days in all"
    select_template(plans, RETAINERS)
    assert column(plans.steps_model, 1) == [f"Retainer check {n}" for n in range(1, 7)]
    assert set(column(plans.steps_model, 2)) == {"30"}
    assert column(plans.steps_model, 3)[0] == "Wear your retainer every night."


def test_edit_a_template_by_double_click_changes_days_and_adds_a_step(
        qtbot: Any, plans: Any, messages: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui import plans_view

    def edit(dialog: Any) -> int:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.windowTitle() == f"Edit plan template “{RETAINERS}”"
        assert dialog.name.text() == RETAINERS
        assert dialog.description.text() == "Monthly retainer checks after aligner treatment"
        assert len(dialog.model.rows) == 6
        # Step 2 lasts 45 days: typed in the number box Qt opens on the cell.
        cell = dialog.model.index(1, 1)
        dialog.table.setCurrentIndex(cell)
        dialog.table.edit(cell)
        editor = dialog.table.viewport().findChild(QSpinBox)
        assert editor is not None, "the days cell is edited in a number box"
        editor.setValue(45)
        qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt stores the value a moment later
        qtbot.waitUntil(lambda: dialog.model.rows[1][1] == 45)
        # One more check after the last.
        dialog.select_row(5)
        button(dialog, "Add step").click()
        assert dialog.model.rows[6] == ["Retainer check 7", 30, ""]
        assert dialog.total.text() == "7 steps, 225 days in all"
        save_button(dialog).click()
        answered(qtbot, dialog)
        return dialog.result()

    monkeypatch.setattr(plans_view.TemplateDialog, "exec", edit)
    row = column(plans.model, 0).index(RETAINERS)
    centre = plans.table.visualRect(plans.model.index(row, 0)).center()
    qtbot.mouseClick(plans.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(plans.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    answered(qtbot, plans)

    assert stored(plans.context, RETAINERS) == [
        ("Retainer check 1", 30), ("Retainer check 2", 45), *[
            (f"Retainer check {n}", 30) for n in range(3, 8)]]
    assert messages.errors == []
    # The list shows the change and keeps the template selected.
    assert plans.selected().name == RETAINERS
    assert column(plans.model, 1) == ["24", "7"]
    assert column(plans.model, 2) == ["336", "225"]
    assert column(plans.steps_model, 1)[-1] == "Retainer check 7"


def test_a_broken_edit_shows_the_error_and_keeps_what_was_typed(qtbot: Any, plans: Any,
                                                                messages: Any) -> None:
    from clinic_desktop.ui.plans_view import TemplateDialog

    dialog = TemplateDialog(plans.context, plans.tasks, plans, plans.selected(), editing=True)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Clear aligners, slow")
    dialog.model.setData(dialog.model.index(2, 1), 0)
    save_button(dialog).click()
    answered(qtbot, dialog)

    assert messages.errors == ["Step 3 of 'Clear aligners, slow' must last at least 1 day."]
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.name.text() == "Clear aligners, slow"
    assert dialog.model.rows[2][1] == 0 and len(dialog.model.rows) == 24
    assert template_names(plans.context) == [ALIGNERS, RETAINERS]
    assert stored(plans.context, ALIGNERS) == [(f"Aligner {n}", 14) for n in range(1, 25)]

    # Renaming onto the other template is refused the same way.
    dialog.model.setData(dialog.model.index(2, 1), 21)
    dialog.name.setText(RETAINERS)
    save_button(dialog).click()
    answered(qtbot, dialog)
    assert messages.errors[-1] == f"A plan template named {RETAINERS!r} already exists."
    assert dialog.isVisible()

    # Fixed, it saves.
    dialog.name.setText("Clear aligners, slow")
    save_button(dialog).click()
    answered(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert template_names(plans.context) == ["Clear aligners, slow", RETAINERS]
    assert stored(plans.context, "Clear aligners, slow")[2] == ("Aligner 3", 21)


def test_steps_can_be_removed_and_moved_in_the_dialog(qtbot: Any, plans: Any) -> None:
    from clinic_desktop.ui.plans_view import TemplateDialog

    select_template(plans, RETAINERS)
    dialog = TemplateDialog(plans.context, plans.tasks, plans, plans.selected(), editing=True)
    qtbot.addWidget(dialog)
    assert (dialog.count.value(), dialog.days.value(), dialog.prefix.text()) == (
        6, 30, "Retainer check")  # "Fill" starts from the template's own steps
    dialog.select_row(0)
    button(dialog, "Move down").click()
    assert [r[0] for r in dialog.model.rows[:3]] == ["Retainer check 2", "Retainer check 1",
                                                     "Retainer check 3"]
    assert dialog.current_row() == 1
    button(dialog, "Move up").click()
    button(dialog, "Move up").click()  # already first: stays
    assert dialog.current_row() == 0
    dialog.select_row(5)
    button(dialog, "Remove step").click()
    assert [r[0] for r in dialog.model.rows] == [f"Retainer check {n}" for n in range(1, 6)]
    assert dialog.current_row() == 4
    assert dialog.total.text() == "5 steps, 150 days in all"
    dialog.count.setValue(3)
    dialog.days.setValue(7)
    dialog.prefix.setText("Check")
    button(dialog, "Fill the steps below").click()
    assert dialog.model.rows == [["Check 1", 7, ""], ["Check 2", 7, ""], ["Check 3", 7, ""]]


def test_duplicate_prefills_a_new_template_and_leaves_the_original(
        qtbot: Any, plans: Any, messages: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui import plans_view

    def duplicate(dialog: Any) -> int:
        assert dialog.windowTitle() == "Duplicate plan template"
        assert dialog.name.text() == "Clear aligners (copy)"
        assert len(dialog.model.rows) == 24
        dialog.select_row(23)
        button(dialog, "Add step").click()
        button(dialog, "Add step").click()
        assert [r[0] for r in dialog.model.rows[-2:]] == ["Aligner 25", "Aligner 26"]
        save_button(dialog).click()
        answered(qtbot, dialog)
        return dialog.result()

    monkeypatch.setattr(plans_view.TemplateDialog, "exec", duplicate)
    button(plans, "Duplicate…").click()
    answered(qtbot, plans)
    assert messages.errors == []
    assert template_names(plans.context) == [ALIGNERS, "Clear aligners (copy)", RETAINERS]
    assert len(stored(plans.context, "Clear aligners (copy)")) == 26
    assert len(stored(plans.context, ALIGNERS)) == 24
    assert plans.selected().name == "Clear aligners (copy)"


def test_delete_asks_first_and_removes_only_after_yes(qtbot: Any, plans: Any, messages: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    select_template(plans, ALIGNERS)
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.No))
    button(plans, "Delete…").click()
    assert template_names(plans.context) == [ALIGNERS, RETAINERS]

    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _parent, title, text, *_a, **_k: messages.shown.append(
            ("question", title, text)) or QMessageBox.StandardButton.Yes))
    button(plans, "Delete…").click()
    answered(qtbot, plans)
    [(_kind, title, text)] = [m for m in messages.shown if m[0] == "question"]
    assert title == "Delete plan template"
    assert text.startswith("Delete the plan template “Clear aligners” (24 steps, 336 days")
    assert "Patients who already have this plan keep their steps" in text
    assert template_names(plans.context) == [RETAINERS]
    assert column(plans.model, 0) == [RETAINERS]
    assert plans.selected().name == RETAINERS
    assert messages.errors == []
