"""The main flows as a receptionist does them, on a demo clinic, offscreen.

Background work runs in the TaskRunner's threads; each test waits for what the screen shows
(qtbot.waitUntil), never for a fixed time.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from clinic_desktop import clock, settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import EmailTemplate, Notification, Patient, Setting
from clinic_desktop.ui.i18n import date_text, date_time_text
from clinic_desktop.ui.qt import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QDragEnterEvent,
    QDropEvent,
    QLocalServer,
    QPushButton,
    Qt,
    QTabWidget,
    QUrl,
)

WAIT = 10_000  # ms: generous for a loaded CI machine; tests finish as soon as the UI is ready

# Demo patients (clinic_desktop.demo.STAGES, one stage per patient in turn).
DUE_TODAY = "P00002"
LATE_NOT_TOLD = "P00003"
LATE_TOLD = "P00004"


# --- helpers ------------------------------------------------------------------------------


def button(widget: Any, text: str) -> QPushButton:
    """The push button labelled `text` inside `widget` (exactly one)."""
    found = [b for b in widget.findChildren(QPushButton) if b.text().replace("&", "") == text]
    assert len(found) == 1, f"{len(found)} buttons labelled {text!r}"
    return found[0]


def list_texts(items: Any) -> list[str]:
    return [items.item(i).text() for i in range(items.count())]


def model_column(model: Any, column: int) -> list[str]:
    return [str(model.data(model.index(r, column))) for r in range(model.rowCount())]


def step_states(window: Any) -> list[str]:
    return model_column(window.patient.steps_model, 4)


def open_patient(qtbot: Any, window: Any, code: str) -> None:
    window.open_patient(code)
    qtbot.waitUntil(lambda: window.patient.title.text().startswith(code), timeout=WAIT)


def add_patient(context: Any, code: str, first: str = "Test", last: str = "Patient") -> None:
    from clinic_desktop.domain.patients import PatientInput
    from clinic_desktop.domain.patients import add_patient as core_add

    with write_session(context.sessions) as session:
        core_add(session, PatientInput(code, first, last, f"{code.lower()}@example.org", "",
                                       True))


def type_text(widget: Any, text: str) -> None:
    """Key presses carrying any character (QTest.keyClicks aborts on non-ASCII ones)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, char))


def drop_files(widget: Any, paths: list[Path]) -> None:
    """What the window system sends when files are dragged from Explorer and dropped."""
    from PySide6.QtCore import QMimeData, QPointF

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = widget.rect().center()
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime,  # QPoint only, in 6.11
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), "the view refused the drag"
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    assert drop.isAccepted(), "the view refused the drop"


def solid_jpeg(folder: Path, name: str, colour: tuple[int, int, int]) -> Path:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    Image.new("RGB", (320, 240), colour).save(path, "JPEG", quality=95)
    return path


def import_for(context: Any, code: str, paths: list[Path]) -> list[Any]:
    from clinic_desktop.photos.importer import PhotoImporter, library_for

    importer = PhotoImporter(context.sessions, library_for(context.sessions,
                                                           context.paths.data_dir),
                             context.clinic_today())
    return [importer.import_file(p, patient_code=code) for p in paths]


def two_photos_open(qtbot: Any, window: Any, tmp_path: Path,
                    first: tuple[int, int, int] = (200, 60, 60),
                    latest: tuple[int, int, int] = (60, 60, 200)) -> Any:
    """P00001 with two photos of these colours, imported and shown in the patient's photos
    tab; the patient view."""
    outcomes = import_for(window.context, "P00001", [
        solid_jpeg(tmp_path / "in", "P00001_a.jpg", first),
        solid_jpeg(tmp_path / "in", "P00001_b.jpg", latest)])
    assert [o.status for o in outcomes] == ["imported", "imported"]
    open_patient(qtbot, window, "P00001")
    view = window.patient
    view.tabs.setCurrentWidget(view.photos)
    qtbot.waitUntil(lambda: len(view.photos.items()) == 2, timeout=WAIT)
    return view


# --- Today --------------------------------------------------------------------------------


def test_today_lists_due_and_late_patients_and_opens_one(qtbot: Any, window: Any) -> None:
    due = window.today.boxes["due_today"][1]
    late = window.today.boxes["late"][1]
    qtbot.waitUntil(lambda: any(t.startswith(DUE_TODAY) for t in list_texts(due)),
                    timeout=WAIT)
    assert window.today.title.text().startswith("Today, ")
    assert window.today.boxes["due_today"][0].title().startswith("Steps due today (")
    late_texts = list_texts(late)
    assert any(t.startswith(LATE_NOT_TOLD) and "days late" in t for t in late_texts)
    assert any(t.startswith(LATE_TOLD) for t in late_texts)
    assert not any(t.startswith(DUE_TODAY) for t in late_texts)

    item = next(due.item(i) for i in range(due.count())
                if due.item(i).text().startswith(DUE_TODAY))
    due.scrollToItem(item)
    centre = due.visualItemRect(item).center()
    # A real double-click is press, release, then a second press that Qt reports as a
    # double-click: QTest's mouseDClick alone sends only the second half.
    opened: list[str] = []
    window.today.open_patient.connect(opened.append)
    qtbot.mouseClick(due.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(due.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(lambda: window.patient.title.text().startswith(DUE_TODAY), timeout=WAIT)
    assert opened == [DUE_TODAY]  # once, not once per signal
    assert window.stack.currentWidget() is window.patient
    qtbot.waitUntil(lambda: "due" in step_states(window), timeout=WAIT)


def test_today_explains_an_empty_list(qtbot: Any, window: Any) -> None:
    unmatched = window.today.boxes["unmatched_photos"]
    qtbot.waitUntil(lambda: unmatched[0].title() == "Photos without a patient (0)",
                    timeout=WAIT)
    assert list_texts(unmatched[1]) == ["Nothing here today."]
    assert unmatched[2].text() == "Assign them in the Photo inbox."


# --- Patients -----------------------------------------------------------------------------


@pytest.fixture
def patients(qtbot: Any, window: Any) -> Any:
    window.nav.setCurrentRow(1)
    view = window.patients
    qtbot.waitUntil(lambda: view.model.rowCount() == 30, timeout=WAIT)
    assert view.count.text() == "30 patients"
    return view


def codes_shown(view: Any) -> list[str]:
    return model_column(view.model, 0)


def test_patient_search_filters_as_you_type(qtbot: Any, window: Any, patients: Any) -> None:
    qtbot.keyClicks(patients.search, "P0001")
    qtbot.waitUntil(lambda: patients.model.rowCount() == 10, timeout=WAIT)
    assert all("P0001" in code for code in codes_shown(patients))
    assert patients.count.text() == "10 patients"

    # A name, typed in lower case: every row shown has it in the name.
    patients.search.clear()
    qtbot.keyClicks(patients.search, "kowalski")
    with window.context.sessions() as session:
        expected = sorted(session.scalars(select(Patient.code).where(
            Patient.last_name == "Kowalski")))
    assert expected  # the demo has some
    qtbot.waitUntil(lambda: codes_shown(patients) == expected, timeout=WAIT)
    assert all("Kowalski" in name for name in model_column(patients.model, 1))

    # Accents do not matter: "müller" and "muller" both find every Müller.
    patients.search.clear()
    type_text(patients.search, "müller")
    with window.context.sessions() as session:
        muellers = sorted(session.scalars(select(Patient.code).where(
            Patient.last_name == "Müller")))
    assert muellers
    qtbot.waitUntil(lambda: codes_shown(patients) == muellers, timeout=WAIT)
    patients.search.clear()
    qtbot.keyClicks(patients.search, "muller")
    qtbot.waitUntil(lambda: codes_shown(patients) == muellers, timeout=WAIT)

    # Nothing found says so.
    patients.search.clear()
    qtbot.keyClicks(patients.search, "zzz-nobody")
    qtbot.waitUntil(lambda: patients.model.rowCount() == 0, timeout=WAIT)
    assert patients.count.text() == "No patient matches “zzz-nobody”."


def test_double_click_in_the_patient_list_opens_the_patient(qtbot: Any, window: Any,
                                                           patients: Any) -> None:
    opened: list[str] = []
    patients.open_patient.connect(opened.append)
    row = codes_shown(patients).index("P00005")
    patients.table.scrollTo(patients.model.index(row, 1))
    centre = patients.table.visualRect(patients.model.index(row, 1)).center()
    qtbot.mouseClick(patients.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(patients.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(lambda: window.patient.title.text().startswith("P00005"), timeout=WAIT)
    assert opened == ["P00005"]
    assert window.stack.currentWidget() is window.patient


def fill_patient_dialog(dialog: Any, code: str, email: str) -> None:
    dialog.code.setText(code)
    dialog.first.setText("Zoë")
    dialog.last.setText("Brandt")
    dialog.email.setText(email)
    dialog.phone.setText("+44 7700 900999")
    dialog.consent.setChecked(True)
    dialog.doctor.setCurrentText("Dr. Anna Weber")


def save_button(dialog: Any) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox)
    return box.button(QDialogButtonBox.StandardButton.Save)


def test_add_patient_appears_in_the_list(qtbot: Any, window: Any, patients: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui import patients as patients_module

    def exec_filled(dialog: Any) -> int:
        qtbot.waitUntil(lambda: dialog.loaded, timeout=WAIT)  # the doctors to choose from
        fill_patient_dialog(dialog, "P09999", "zoe.brandt@example.org")
        save_button(dialog).click()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=WAIT)
        return dialog.result()

    monkeypatch.setattr(patients_module.PatientDialog, "exec", exec_filled)
    button(patients, "Add patient…").click()
    # The new patient's page opens ...
    qtbot.waitUntil(lambda: window.patient.title.text() == "P09999  Zoë Brandt",
                    timeout=WAIT)
    assert "zoe.brandt@example.org" in window.patient.details.text()
    assert "doctor: Dr. Anna Weber" in window.patient.details.text()
    # The default, though "de" sorts first.
    assert "emails in English" in window.patient.details.text()
    # ... and the list has them.
    qtbot.waitUntil(lambda: patients.model.rowCount() == 31, timeout=WAIT)
    assert "P09999" in codes_shown(patients)
    patients.search.setText("Brandt")
    qtbot.waitUntil(lambda: codes_shown(patients) == ["P09999"], timeout=WAIT)


def test_invalid_email_is_refused_in_the_dialog(qtbot: Any, window: Any,
                                                patients: Any) -> None:
    from clinic_desktop.domain.patients import PatientInput, check_input
    from clinic_desktop.errors import ClinicError
    from clinic_desktop.ui.patients import PatientDialog

    dialog = PatientDialog(window.context, window.tasks, window)
    qtbot.addWidget(dialog)
    assert not dialog.fields.isEnabled()  # nothing to type into before the doctors are read
    qtbot.waitUntil(lambda: dialog.loaded, timeout=WAIT)
    assert dialog.fields.isEnabled()
    fill_patient_dialog(dialog, "P09998", "zoe.brandt@@example")
    save_button(dialog).click()
    qtbot.waitUntil(lambda: window.tasks.pending() == 0, timeout=WAIT)

    # The dialog stays open with the core's own sentence.
    with window.context.sessions() as session, pytest.raises(ClinicError) as refused:
        check_input(session, PatientInput("P09998", "Zoë", "Brandt", "zoe.brandt@@example",
                                          "+44 7700 900999", True, "en", "Dr. Anna Weber"))
    assert dialog.problem.text() == str(refused.value)
    assert "email" in dialog.problem.text().lower()
    assert dialog.result() != QDialog.DialogCode.Accepted
    with window.context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Patient)) == 30
        assert session.scalar(select(Patient).where(Patient.code == "P09998")) is None


# --- Patient page: plan, complete, undo ---------------------------------------------------


def test_apply_plan_complete_and_undo(qtbot: Any, window: Any, messages: Any,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui import patient as patient_module

    add_patient(window.context, "P09001", "Ines", "Haddad")
    open_patient(qtbot, window, "P09001")
    view = window.patient
    qtbot.waitUntil(lambda: view.title.text() == "P09001  Ines Haddad", timeout=WAIT)
    assert view.steps_model.rowCount() == 0

    def choose_retainers(dialog: Any) -> int:
        assert dialog.template.findText("Clear aligners") >= 0
        dialog.template.setCurrentText("Retainer follow-up")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(patient_module.ApplyPlanDialog, "exec", choose_retainers)
    button(view, "Apply plan…").click()
    qtbot.waitUntil(lambda: view.steps_model.rowCount() == 6, timeout=WAIT)
    assert step_states(window) == ["active"] + ["not started"] * 5
    assert model_column(view.steps_model, 1)[0] == "Retainer check 1"
    today = window.context.clinic_today()
    assert model_column(view.steps_model, 2)[0] == date_text(today)
    assert model_column(view.steps_model, 3)[0] == date_text(today + timedelta(days=30))
    qtbot.waitUntil(lambda: any("Retainer follow-up" in m for m in messages.infos),
                    timeout=WAIT)

    button(view, "Complete now").click()
    qtbot.waitUntil(lambda: step_states(window)[:2] == ["completed", "active"], timeout=WAIT)
    assert "Step completed; the next step starts today." in messages.infos
    assert model_column(view.steps_model, 2)[1] == date_text(today)

    button(view, "Undo last progression").click()
    qtbot.waitUntil(lambda: step_states(window)[:2] == ["active", "not started"],
                    timeout=WAIT)
    assert "Step 1 is active again." in messages.infos
    assert messages.errors == []


# --- Photos: drop to import, compare ------------------------------------------------------


def test_dropping_a_photo_imports_it_and_advances_the_step(qtbot: Any, window: Any,
                                                            photo_files: Any,
                                                            messages: Any) -> None:
    open_patient(qtbot, window, DUE_TODAY)
    view = window.patient
    qtbot.waitUntil(lambda: "due" in step_states(window), timeout=WAIT)
    due_row = step_states(window).index("due")
    assert step_states(window)[due_row + 1] == "not started"

    photo = photo_files.jpeg(f"{DUE_TODAY}_front.jpg")
    drop_files(view, [photo])
    qtbot.waitUntil(lambda: step_states(window)[due_row:due_row + 2] == ["completed",
                                                                       "active"],
                    timeout=WAIT)
    assert "due" not in step_states(window)
    qtbot.waitUntil(lambda: len(view.photos.items()) == 1, timeout=WAIT)
    assert view.photos.note.text().startswith("1 photo in 1 step group.")
    assert view.photos.items()[0].text().endswith("✓")  # it completed a step

    dialog = next(w for w in QApplication.topLevelWidgets()
                  if w.windowTitle() == "Importing photos" and w.isVisible())
    qtbot.waitUntil(lambda: dialog.close_button.isEnabled(), timeout=WAIT)
    log = dialog.log.toPlainText()
    assert (f"imported: {photo.name} — filed for {DUE_TODAY} under step {due_row + 1}: the "
            "step is completed and the next one has started") in log
    assert "1 file: 1 imported." in log
    dialog.close_button.click()
    assert messages.errors == []


def test_compare_overlay_blends_the_two_photos(qtbot: Any, window: Any,
                                               tmp_path: Path) -> None:
    from clinic_desktop.ui.photos import CompareDialog, library_of

    red, blue = (220, 30, 30), (30, 30, 220)
    view = two_photos_open(qtbot, window, tmp_path, red, blue)
    first, latest = view.photos.photos[0], view.photos.photos[-1]

    dialog = CompareDialog(library_of(window.context), first, latest, window)
    qtbot.addWidget(dialog)

    def shown_colour() -> tuple[int, int, int]:
        image = dialog.overlay_label.pixmap().toImage()
        colour = image.pixelColor(image.width() // 2, image.height() // 2)
        return colour.red(), colour.green(), colour.blue()

    def close_to(a: tuple[int, int, int], b: tuple[int, int, int], slack: int = 12) -> bool:
        return all(abs(x - y) <= slack for x, y in zip(a, b, strict=True))

    dialog.opacity.setValue(0)
    only_before = shown_colour()
    dialog.opacity.setValue(100)
    only_after = shown_colour()
    dialog.opacity.setValue(50)
    half = shown_colour()
    # Which photo is "first" depends on the files' times; either way the ends are the two
    # pictures and the middle is their mix.
    assert {close_to(only_before, red), close_to(only_before, blue)} == {True, False}
    assert close_to(only_after, blue if close_to(only_before, red) else red)
    assert close_to(half, tuple((a + b) // 2 for a, b in zip(only_before, only_after,
                                                              strict=True)))
    assert half != only_before and half != only_after


# --- Settings -----------------------------------------------------------------------------


@pytest.fixture
def settings_view(qtbot: Any, window: Any, file_keyring: Any) -> Any:
    window.nav.setCurrentRow(5)
    view = window.settings
    qtbot.waitUntil(lambda: view.fields["smtp.port"].value() == 587, timeout=WAIT)
    return view


def test_send_test_email_reaches_the_server(qtbot: Any, window: Any, settings_view: Any,
                                            smtp_server_factory: Any, messages: Any) -> None:
    server = smtp_server_factory("none")
    view = settings_view
    view.fields["smtp.host"].setText("127.0.0.1")
    view.fields["smtp.port"].setValue(server.port)
    view.fields["smtp.security"].setCurrentIndex(view.fields["smtp.security"].findData("none"))
    view.fields["smtp.username"].setText("")
    view.fields["smtp.from"].setText("reception@clinic.example.org")
    view.test_to.setText("reception@clinic.example.org")
    button(view, "Send test email").click()
    qtbot.waitUntil(lambda: len(server.messages) == 1, timeout=WAIT)
    assert server.messages[0]["To"] == "reception@clinic.example.org"
    qtbot.waitUntil(lambda: "Test email sent to reception@clinic.example.org"
                    in view.status.text(), timeout=WAIT)
    assert any("Test email sent" in m for m in messages.infos)
    assert messages.errors == []
    with window.context.sessions() as session:
        assert settings.get(session, "smtp.port") == server.port
        assert settings.get(session, "smtp.security") == "none"


def test_a_number_setting_cannot_be_typed_out_of_range(window: Any, settings_view: Any) -> None:
    port = settings_view.fields["smtp.port"]
    assert (port.minimum(), port.maximum()) == (1, 65535)  # a number box, not free text
    port.lineEdit().setText("99999")
    port.interpretText()
    assert port.value() <= 65535


def test_invalid_address_shows_the_field_error_and_saves_nothing(qtbot: Any, window: Any,
                                                                 settings_view: Any) -> None:
    view = settings_view
    with window.context.sessions() as session:
        before = {s.key: s.value for s in session.scalars(select(Setting))}
    view.fields["clinic.name"].setText("Renamed Clinic")
    view.fields["smtp.from"].setText("reception at clinic")
    button(view, "Save settings").click()
    qtbot.waitUntil(lambda: window.tasks.pending() == 0, timeout=WAIT)

    error = view.errors["smtp.from"]
    assert error.isVisible()
    assert "reception at clinic" in error.text()
    assert "#a4262c" in error.styleSheet()  # the red of every field error
    assert view.status.text() == "Not saved: 1 field needs fixing (in red)."
    assert not view.errors["clinic.name"].isVisible()
    with window.context.sessions() as session:
        after = {s.key: s.value for s in session.scalars(select(Setting))}
    assert after == before


# --- Outbox -------------------------------------------------------------------------------


def test_retry_after_a_refused_address_asks_for_the_corrected_one_first(
        qtbot: Any, window: Any, messages: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui import patients as patients_module

    with write_session(window.context.sessions) as session:
        note = session.scalar(select(Notification).join(Patient, Patient.id ==
                                                        Notification.patient_id)
                              .where(Patient.code == LATE_TOLD))
        note_id = note.id
        session.execute(update(Notification).where(Notification.id == note_id).values(
            status="failed", attempts=5, last_error="550 5.1.1 mailbox unavailable",
            sent_at=None))
    window.nav.setCurrentRow(3)
    view = window.outbox
    qtbot.waitUntil(lambda: str(note_id) in model_column(view.model, 0), timeout=WAIT)
    row = model_column(view.model, 0).index(str(note_id))
    assert view.note.text() == f"{view.model.rowCount()} emails, newest first."
    assert model_column(view.model, 4)[row] == "failed"
    assert model_column(view.model, 7)[row] == "550 5.1.1 mailbox unavailable"

    view.table.selectRow(row)  # the preview follows the selection
    qtbot.waitUntil(lambda: view.preview.toPlainText() != "", timeout=WAIT)
    preview = view.preview.toPlainText().splitlines()
    assert preview[0] == f"{model_column(view.model, 1)[row]} email, failed"
    assert "step_finished" not in view.preview.toPlainText()
    # When, on the clinic's clock: never UTC.
    with window.context.sessions() as session:
        queued = session.get(Notification, note_id).created_at
        zone = settings.clinic_zone(session)
    assert f"Queued: {date_time_text(queued, zone)}" in preview
    assert "UTC" not in view.preview.toPlainText()
    assert "Problem: 550 5.1.1 mailbox unavailable" in preview

    def correct_address(dialog: Any) -> int:  # staff type the address the patient gave
        qtbot.waitUntil(lambda: dialog.loaded, timeout=WAIT)
        assert dialog.email.text() == "p00004@example.org"
        dialog.email.setText("p00004.new@example.org")
        dialog.save()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=WAIT)
        return dialog.result()

    monkeypatch.setattr(patients_module.PatientDialog, "exec", correct_address)
    button(view, "Retry").click()  # a 550 refusal: the same address would fail again
    [(_kind, _title, question)] = [m for m in messages.shown if m[0] == "question"]
    assert "Correct P00004's address first?" in question
    qtbot.waitUntil(lambda: model_column(view.model, 4)[
        model_column(view.model, 0).index(str(note_id))] == "waiting to be sent", timeout=WAIT)
    with window.context.sessions() as session:
        again = session.get(Notification, note_id)
        assert (again.status, again.recipient) == ("queued", "p00004.new@example.org")


def test_open_the_patient_of_an_email_from_the_outbox(qtbot: Any, window: Any) -> None:
    window.nav.setCurrentRow(3)
    view = window.outbox
    qtbot.waitUntil(lambda: LATE_TOLD in view.codes, timeout=WAIT)  # the demo told P00004
    view.table.selectRow(view.codes.index(LATE_TOLD))
    button(view, "Open patient").click()
    qtbot.waitUntil(lambda: window.patient.title.text().startswith(LATE_TOLD), timeout=WAIT)
    assert window.stack.currentWidget() is window.patient


# --- Email template editor ----------------------------------------------------------------


def test_broken_template_is_refused_with_part_and_line(qtbot: Any, window: Any,
                                                       messages: Any) -> None:
    from clinic_desktop.ui.settings_view import TemplateEditor

    window.nav.setCurrentRow(5)  # Settings, then its Email templates tab
    editor = window.settings.findChild(TemplateEditor)
    tabs = window.settings.findChild(QTabWidget)
    assert editor.preview.toHtml().count("<img") == 0  # nothing rendered before it is shown
    tabs.setCurrentWidget(editor)
    assert editor.language.currentData() == "en"  # the default, though "de" sorts first
    qtbot.waitUntil(editor.isEnabled, timeout=WAIT)  # read in a worker when first shown
    editor.kind.setCurrentIndex(editor.kind.findData("step_finished"))
    qtbot.waitUntil(lambda: "<img" in editor.preview.toHtml(), timeout=WAIT)  # in a worker
    assert editor.problem.text() == ""
    logo = editor.preview.loadResource(2, QUrl("cid:logo"))  # 2: QTextDocument.ImageResource
    assert not logo.isNull()  # the preview shows the clinic's logo, not a broken image
    lines = editor.text.toPlainText().split("\n")
    editor.text.setPlainText("\n".join([*lines[:2], "Your step: {{ step.name + }}",
                                        *lines[2:]]))
    qtbot.waitUntil(lambda: editor.problem.text().startswith(
        "Not valid yet: Text part, line 3:"), timeout=WAIT)  # a moment after the typing

    button(editor, "Save template").click()
    qtbot.waitUntil(lambda: messages.errors != [], timeout=WAIT)
    assert len(messages.errors) == 1
    assert messages.errors[0].startswith("The template was not saved: Text part, line 3:")
    assert messages.infos == []
    with window.context.sessions() as session:
        assert session.scalars(select(EmailTemplate)).all() == []


# --- Tray and single instance -------------------------------------------------------------


def test_tray_menu_and_pause(qtbot: Any, context: Any, messages: Any) -> None:
    from clinic_desktop.scheduler import ClinicScheduler
    from clinic_desktop.ui.tray import TrayNotifier

    scheduler = ClinicScheduler(context)  # not started: no jobs run in this test
    tray = TrayNotifier(context, scheduler)
    try:
        tray.menu.aboutToShow.emit()
        texts = [a.text().replace("&", "") for a in tray.menu.actions()
                 if not a.isSeparator()]
        assert texts == ["Open Clinic Desktop", "Run the daily check now",
                         "Pause sending until…", "Import photos…", "Quit"]
        pause_menu = tray.menu.actions()[2].menu()
        assert [a.text() for a in pause_menu.actions()] == ["in 1 hour", "in 4 hours",
                                                            "tomorrow"]
        with qtbot.waitSignal(tray.open_requested, timeout=1000):
            tray.menu.actions()[0].trigger()

        before = clock.now_utc()
        next(a for a in pause_menu.actions() if a.text() == "in 1 hour").trigger()
        assert scheduler.paused_until is not None
        assert timedelta(minutes=59) < scheduler.paused_until - before < timedelta(minutes=61)
        assert "Sending paused until" in tray.tooltip

        # Rebuilt when it opens again: it now says what is true.
        tray.menu.aboutToShow.emit()
        pause_menu = tray.menu.actions()[2].menu()
        assert tray.menu.actions()[2].text().startswith("Sending paused until ")
        resume = next(a for a in pause_menu.actions() if a.text() == "Resume sending now")
        resume.trigger()
        assert scheduler.paused_until is None
        tray.menu.aboutToShow.emit()
        assert tray.menu.actions()[2].text() == "&Pause sending until…"
    finally:
        tray.icon.hide()
        tray.menu.deleteLater()


def test_second_instance_brings_the_first_to_front(qtbot: Any, tmp_path: Path) -> None:
    from clinic_desktop.ui.app import bring_existing_to_front, instance_name

    name = instance_name(tmp_path / "data")
    assert name == instance_name(tmp_path / "data")
    assert name != instance_name(tmp_path / "other")
    assert bring_existing_to_front(name) is False  # nobody is running yet

    server = QLocalServer()
    QLocalServer.removeServer(name)
    assert server.listen(name), server.errorString()
    received: list[bytes] = []
    connections: list[Any] = []

    def on_connection() -> None:
        connection = server.nextPendingConnection()
        connections.append(connection)
        connection.readyRead.connect(lambda: received.append(bytes(connection.readAll())))

    server.newConnection.connect(on_connection)
    try:
        assert bring_existing_to_front(name) is True
        qtbot.waitUntil(lambda: b"".join(received) == b"show\n", timeout=WAIT)
    finally:
        server.close()


def test_send_now_without_mail_settings_says_so_in_words_and_opens_settings(
        qtbot: Any, window: Any, messages: Any) -> None:
    from clinic_desktop.scheduler import claim_daily_check, run_daily_check

    claim_daily_check(window.context, clock.now_utc())
    run_daily_check(window.context, window.context.clinic_today())  # emails wait: no server
    window.nav.setCurrentRow(3)
    button(window.outbox, "Send now").click()
    # While it runs: a busy bar, no second Send now, the rows read again as emails go.
    assert window.outbox.sending.isVisible() and window.outbox.live.isActive()
    assert not window.outbox.buttons["send"].isEnabled()
    qtbot.waitUntil(lambda: window.nav.currentRow() == 5, timeout=WAIT)  # answered Yes
    assert not window.outbox.sending.isVisible() and not window.outbox.live.isActive()
    assert window.outbox.buttons["send"].isEnabled()
    [(kind, title, text)] = messages.shown
    assert (kind, title) == ("question", "Sending")
    assert text.startswith("Emails cannot be sent until the mail settings are fixed")
    assert "clinic-desktop" not in text


def test_compare_zooms_and_moves_both_photos_together(qtbot: Any, window: Any,
                                                      tmp_path: Path) -> None:
    from clinic_desktop.ui.photos import CompareDialog

    view = two_photos_open(qtbot, window, tmp_path)
    dialog = CompareDialog(view.photos.library, view.photos.photos[0], view.photos.photos[-1],
                           window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    first, second = dialog.panes
    fitted = [pane.label.pixmap().width() for pane in dialog.panes]

    dialog.zoom.setValue(300)
    assert [pane.label.pixmap().width() for pane in dialog.panes] == \
        pytest.approx([3 * width for width in fitted], abs=3)
    qtbot.waitUntil(lambda: first.horizontalScrollBar().maximum() > 0, timeout=WAIT)
    first.horizontalScrollBar().setValue(first.horizontalScrollBar().maximum())
    first.verticalScrollBar().setValue(first.verticalScrollBar().maximum() // 2)
    assert second.position() == pytest.approx((1.0, 0.5), abs=0.02)  # the other followed
    second.horizontalScrollBar().setValue(0)
    assert first.position()[0] == pytest.approx(0.0, abs=0.02)


def test_pause_names_the_step_offers_a_week_and_says_it_is_done(
        qtbot: Any, window: Any, messages: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui import patient as patient_module
    from clinic_desktop.ui.qt import QMessageBox

    open_patient(qtbot, window, "P00001")  # demo: step 5 "Aligner 5" active
    view = window.patient
    qtbot.waitUntil(lambda: "active" in step_states(window), timeout=WAIT)
    asked: list[tuple[str, Any]] = []
    today = window.context.clinic_today()

    def answer(_parent: Any, title: str, _label: str, start: Any) -> Any:
        asked.append((title, start))
        return start

    monkeypatch.setattr(patient_module, "ask_date", answer)
    button(view, "Pause…").click()
    assert asked == [("Pause step 5 – Aligner 5", today + timedelta(days=7))]
    qtbot.waitUntil(lambda: "paused" in step_states(window), timeout=WAIT)
    assert messages.infos == [f"Paused until {date_text(today + timedelta(days=7))}: the "
                              "due date moves on by the days paused."]

    # A reminder for a paused step asks first; No sends nothing.
    questions: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _parent, _title, text, *_a, **_k: questions.append(text)
        or QMessageBox.StandardButton.No))
    with window.context.sessions() as session:
        before = session.scalar(select(func.count()).select_from(Notification))
    button(view, "Send photo reminder").click()
    assert questions == ["Step 5 is paused. Send a photo reminder all the same?"]
    with window.context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == before


def test_done_feedback_goes_to_the_status_bar_not_a_box_to_click(window: Any) -> None:
    from clinic_desktop.ui.qt import QDialog
    from clinic_desktop.ui.widgets import in_status_bar

    assert in_status_bar(window.patient, "Step completed; the next step starts today.")
    assert window.statusBar().currentMessage() == "Step completed; the next step starts today."
    assert not in_status_bar(QDialog(), "a dialog of its own has no status bar")


def test_a_new_clinic_sees_how_to_start_instead_of_empty_lists(
        qtbot: Any, tasks: Any, messages: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.app import open_app
    from clinic_desktop.ui import patients as patients_module
    from clinic_desktop.ui.main_window import MainWindow

    context = open_app(tmp_path / "new-clinic", None, log_to_file=False)
    try:
        window = MainWindow(context, tasks)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.today.start.isVisible(), timeout=WAIT)
        assert not window.today.lists.isVisible()  # no six empty boxes
        opened: list[str] = []
        monkeypatch.setattr(patients_module.PatientDialog, "exec",
                            lambda dialog: opened.append(dialog.windowTitle()) or 0)
        button(window.today, "Add a patient…").click()
        assert opened == ["Add patient"]
        assert window.stack.currentWidget() is window.patients
        tasks.wait()
        window.close()
    finally:
        tasks.shutdown()
        context.close()


def test_outbox_shows_the_emails_of_the_chosen_period(qtbot: Any, window: Any) -> None:
    with write_session(window.context.sessions) as session:
        old, new = session.scalars(select(Notification).order_by(Notification.id)
                                   .limit(2)).all()
        old_id, new_id = old.id, new.id
        old.created_at = clock.now_utc() - timedelta(days=10)
        new.created_at = clock.now_utc() - timedelta(days=2)
    window.nav.setCurrentRow(3)
    view = window.outbox
    qtbot.waitUntil(lambda: str(old_id) in model_column(view.model, 0), timeout=WAIT)
    view.period.setCurrentIndex(view.period.findData(7))
    qtbot.waitUntil(lambda: str(old_id) not in model_column(view.model, 0), timeout=WAIT)
    assert str(new_id) in model_column(view.model, 0)  # queued within the week: listed


def test_opening_a_photo_or_comparing_two_asks_the_database_nothing(
        qtbot: Any, window: Any, tmp_path: Path, monkeypatch: Any) -> None:
    """The viewer and Compare draw from the library the timeline read in its worker: on a
    busy clinic database nothing waits for it on the GUI thread when a photo is opened."""
    import threading

    from sqlalchemy import event

    from clinic_desktop.ui import photos as photos_module

    view = two_photos_open(qtbot, window, tmp_path)
    shown: list[tuple[int, int]] = []
    monkeypatch.setattr(photos_module.PhotoViewer, "exec",
                        lambda dialog: shown.append(dialog.image.size().toTuple()) or 0)
    monkeypatch.setattr(photos_module.CompareDialog, "exec",
                        lambda dialog: shown.append(dialog.after.size().toTuple()) or 0)
    on_gui_thread: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread() is threading.main_thread():
            on_gui_thread.append(statement)

    event.listen(window.context.engine, "before_cursor_execute", record)
    try:
        view.photos._open(view.photos.items()[0])
        view.photos.compare_first_latest()
    finally:
        event.remove(window.context.engine, "before_cursor_execute", record)
    assert on_gui_thread == []
    assert shown == [(320, 240), (320, 240)]  # the photos themselves, not empty images
