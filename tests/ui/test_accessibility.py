"""Keyboard and screen readers: every control has a name, labels lead to their fields, the
step and email actions have shortcuts, and Down in the search box moves into the results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from walk import WAIT, every_view, photos_for

from clinic_desktop.ui.qt import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QAccessible,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollBar,
    QShortcut,
    Qt,
    QTextEdit,
    QWidget,
    QWizard,
)

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView,
            QPlainTextEdit, QTextEdit, QAbstractSlider)


def spoken_name(widget: QWidget) -> str:
    """What a screen reader says for the control: Qt's accessible name (set, or taken from
    the button's text or the field's label)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def unnamed_controls(root: QWidget) -> list[str]:
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or isinstance(widget, (QHeaderView, QScrollBar)) \
                or not widget.isVisibleTo(root):
            continue  # a table's header and a scroll bar are parts of the named control
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QComboBox,
                                                                          QAbstractSpinBox)):
            continue  # the editor inside a drop-down or number box: named with its box
        if not spoken_name(widget):
            found.append(f"{type(widget).__name__} {widget.objectName() or ''}".strip())
    return found


def labels_without_field(root: QWidget) -> list[str]:
    """A label with a shortcut letter (&) must lead somewhere: its buddy."""
    return [label.text() for label in root.findChildren(QLabel)
            if label.isVisibleTo(root) and "&" in label.text().replace("&&", "")
            and label.buddy() is None]


def mnemonic(text: str) -> str:
    """The shortcut letter of a label or button text (after a single &), lower case."""
    index = text.replace("&&", "").find("&")
    return text.replace("&&", "")[index + 1].lower() if 0 <= index < len(text) - 1 else ""


def mnemonic_problems(root: QWidget) -> list[str]:
    """Buttons without a shortcut letter, and letters used twice in one window."""
    problems, seen = [], {}
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not isinstance(widget, (QPushButton, QLabel,
                                                                   QCheckBox, QRadioButton)):
            continue
        text = widget.text()
        # Qt's own OK, Cancel, Next…, translated with Qt's catalogue.
        own = isinstance(widget.parent(), QDialogButtonBox) or (
            isinstance(root, QWizard) and widget.objectName().startswith("qt_wizard_"))
        if isinstance(widget, QPushButton) and not own and text and not mnemonic(text):
            problems.append(f"no shortcut letter: {text!r}")
        letter = mnemonic(text) if not isinstance(widget, QLabel) or widget.buddy() else ""
        if letter:
            if letter in seen:
                problems.append(f"Alt+{letter.upper()} twice: {seen[letter]!r}, {text!r}")
            seen[letter] = text
    return problems


def test_every_control_of_every_view_and_dialog_has_a_name(language: str, qtbot: Any,
                                                          window: Any, tmp_path: Path) -> None:
    photos_for(window.context, tmp_path / "in")
    problems: dict[str, list[str]] = {}
    for name, widget in every_view(qtbot, window):
        missing = (unnamed_controls(widget) + labels_without_field(widget)
                   + mnemonic_problems(widget))
        if missing:
            problems[name] = missing
    assert problems == {}


def shortcut_keys(widget: QWidget) -> set[str]:
    return {s.key().toString() for s in widget.findChildren(QShortcut)}


def test_complete_pause_and_retry_have_shortcuts(qtbot: Any, window: Any, messages: Any) -> None:
    assert {"Ctrl+Return", "Ctrl+P"} <= shortcut_keys(window.patient)
    assert "Ctrl+R" in shortcut_keys(window.outbox)
    # Ctrl+R in the Outbox retries the selected email: with none selected it says so.
    window.nav.setCurrentRow(3)
    window.outbox.table.setFocus()
    qtbot.keySequence(window.outbox.table, QKeySequence("Ctrl+R"))
    assert messages.errors == ["Select an email first."]


def test_down_in_the_search_box_moves_into_the_results(qtbot: Any, window: Any) -> None:
    window.find_patient()
    view = window.patients
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=WAIT)
    view.search.setFocus()
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    assert view.table.hasFocus()
    assert view.table.selectionModel().selectedRows()[0].row() == 0
