"""Settings, Plan templates, the patient dialogs and the setup wizard never wait for the
database on the GUI thread: they say that they are loading, the window goes on answering,
and a second click or key press while something is saved does not save it twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, func, select

from clinic_desktop.db.models import Patient, PlanTemplate, TreatmentStep
from clinic_desktop.ui.qt import QDialog, QDialogButtonBox, Qt

WAIT = 10_000  # ms
PATIENT = "P00001"


def answered(qtbot: Any, window: Any) -> None:
    """Until every background read and write has answered."""
    qtbot.waitUntil(lambda: window.tasks.pending() == 0, timeout=WAIT)


@pytest.fixture
def on_gui_thread(context: Any) -> Iterator[list[str]]:
    """Every SQL statement run on the GUI thread from now on (the thread pytest-qt runs on)."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread() is threading.main_thread():
            statements.append(statement)

    event.listen(context.engine, "before_cursor_execute", record)
    yield statements
    event.remove(context.engine, "before_cursor_execute", record)


class Gate:
    """Holds a function in the worker until opened: a database that takes its time."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str):
        self.open = threading.Event()
        self.calls = 0
        real = getattr(owner, name)

        def held(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            assert self.open.wait(WAIT / 1000), "the gate was never opened"
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, held)


def test_the_four_screens_read_and_write_only_in_workers(
        qtbot: Any, window: Any, messages: Any, file_keyring: Any, on_gui_thread: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui import patient as patient_module
    from clinic_desktop.ui import patients as patients_module
    from clinic_desktop.ui.plans_view import TemplateDialog
    from clinic_desktop.ui.qt import QTabWidget
    from clinic_desktop.ui.settings_view import TemplateEditor
    from clinic_desktop.ui.wizard import SetupWizard

    answered(qtbot, window)
    on_gui_thread.clear()  # from here on, only the four screens
    # Settings: every tab, a save, a template saved.
    window.nav.setCurrentRow(5)
    view = window.settings
    tabs = next(t for t in view.findChildren(QTabWidget) if t.parent() is view)
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        answered(qtbot, window)
    assert "Dr. Anna Weber" in view.doctors.toPlainText()
    view.fields["clinic.phone"].setText("+44 20 7946 0002")
    view.save()
    answered(qtbot, window)
    assert view.status.text() == "Settings saved."
    view.findChild(TemplateEditor).save()
    answered(qtbot, window)
    assert "Template saved; new emails use it." in messages.infos
    # Plan templates: the list, a copy saved, the copy deleted.
    window.nav.setCurrentRow(4)
    answered(qtbot, window)
    copy = TemplateDialog(window.context, window.tasks, window.plans, window.plans.selected())
    copy.save()
    answered(qtbot, window)
    assert copy.result() == QDialog.DialogCode.Accepted
    window.plans.refresh(select=copy.saved_id)
    answered(qtbot, window)
    window.plans.delete_template()
    answered(qtbot, window)
    # The patient: its page, Edit…, Apply plan… (its list of templates).
    window.open_patient(PATIENT)
    answered(qtbot, window)

    def edit(dialog: Any) -> int:
        qtbot.waitUntil(lambda: dialog.loaded, timeout=WAIT)
        dialog.phone.setText("+44 7700 900001")
        dialog.save()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=WAIT)
        return dialog.result()

    offered: list[int] = []
    monkeypatch.setattr(patients_module.PatientDialog, "exec", edit)
    monkeypatch.setattr(patient_module.ApplyPlanDialog, "exec", lambda dialog: (
        offered.append(dialog.template.count()), QDialog.DialogCode.Rejected)[1])
    window.patient.edit()
    window.patient.apply_plan()
    answered(qtbot, window)
    assert offered == [2]
    # The setup wizard's Finish.
    wizard = SetupWizard(window.context, window.tasks, window)
    wizard.name.setText("Smile Clinic")
    wizard.apply()
    answered(qtbot, window)
    assert wizard.result() == QDialog.DialogCode.Accepted and not wizard.problems

    assert on_gui_thread == []
    assert messages.errors == []
    with window.context.sessions() as session:
        assert session.scalar(select(Patient.phone).where(Patient.code == PATIENT)) == \
            "+44 7700 900001"
        assert session.scalar(select(func.count()).select_from(PlanTemplate)) == 2


def test_settings_say_they_are_loading_and_take_no_typing_until_shown(
        qtbot: Any, window: Any, file_keyring: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui import settings_view

    gate = Gate(monkeypatch, settings_view, "read_settings")
    window.nav.setCurrentRow(5)
    view = window.settings
    qtbot.waitUntil(lambda: gate.calls == 1, timeout=WAIT)
    ticks: list[int] = []
    qtbot.waitUntil(lambda: ticks.append(1) or len(ticks) > 3)  # the window goes on answering
    assert view.status.text() == "Loading the settings…"
    assert not view.form_page.isEnabled()
    gate.open.set()
    qtbot.waitUntil(view.form_page.isEnabled, timeout=WAIT)
    assert view.status.text() == ""
    assert view.fields["smtp.port"].value() == 587


def test_plan_templates_say_they_are_loading(qtbot: Any, window: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui import plans_view

    gate = Gate(monkeypatch, plans_view, "read_templates")
    window.nav.setCurrentRow(4)
    plans = window.plans
    qtbot.waitUntil(lambda: gate.calls == 1, timeout=WAIT)
    assert plans.detail_title.text() == "Loading the plan templates…"
    assert not any(button.isEnabled() for button in plans.actions)
    gate.open.set()
    qtbot.waitUntil(lambda: plans.model.rowCount() == 2, timeout=WAIT)
    assert all(button.isEnabled() for button in plans.actions)  # the first one is selected


def test_enter_twice_in_the_patient_dialog_adds_the_patient_once(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.domain import patients
    from clinic_desktop.ui.patients import PatientDialog

    dialog = PatientDialog(window.context, window.tasks, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.problem.text() == "Loading the doctors…" and not dialog.fields.isEnabled()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=WAIT)
    dialog.code.setText("P09999")
    dialog.first.setText("Zoë")
    dialog.last.setText("Brandt")
    gate = Gate(monkeypatch, patients, "add_patient")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gate.calls == 1, timeout=WAIT)
    assert dialog.problem.text() == "Saving…"
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled()
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)  # again, impatient
    dialog.save()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # closing waits for the answer
    assert dialog.isVisible()
    gate.open.set()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=WAIT)
    assert gate.calls == 1
    with window.context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Patient)
                              .where(Patient.code == "P09999")) == 1


def test_complete_now_pressed_twice_completes_one_step(
        qtbot: Any, window: Any, messages: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.domain import progression

    window.open_patient(PATIENT)
    view = window.patient
    answered(qtbot, window)
    with window.context.sessions() as session:
        before = session.scalar(select(func.count()).select_from(TreatmentStep).join(Patient)
                                .where(Patient.code == PATIENT,
                                       TreatmentStep.is_completed.is_(True)))
    gate = Gate(monkeypatch, progression, "complete_early")
    view.steps_table.setFocus()
    qtbot.keyClick(view.steps_table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: gate.calls == 1, timeout=WAIT)
    assert not view.step_actions.isEnabled()
    qtbot.keyClick(view.steps_table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    gate.open.set()
    qtbot.waitUntil(lambda: any("Step completed" in m for m in messages.infos), timeout=WAIT)
    answered(qtbot, window)
    assert gate.calls == 1
    with window.context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(TreatmentStep).join(Patient)
                              .where(Patient.code == PATIENT,
                                     TreatmentStep.is_completed.is_(True))) == before + 1


def test_opening_another_patient_shows_none_of_the_last_one_while_it_loads(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.domain import patient_page

    window.open_patient(PATIENT)
    view = window.patient
    qtbot.waitUntil(lambda: view.title.text().startswith(PATIENT + " "), timeout=WAIT)
    assert view.steps_model.rowCount() > 0
    gate = Gate(monkeypatch, patient_page, "load_patient_page")
    window.open_patient("P00002")
    qtbot.waitUntil(lambda: gate.calls == 1, timeout=WAIT)
    assert view.title.text() == "Loading P00002…"
    assert view.steps_model.rowCount() == 0 and view.details.text() == ""
    assert not view.step_actions.isEnabled()
    gate.open.set()
    qtbot.waitUntil(lambda: view.title.text().startswith("P00002 "), timeout=WAIT)
    assert view.steps_model.rowCount() > 0 and view.step_actions.isEnabled()
