"""A photo held by the quality gate, as staff meet it: listed in Today, marked in the patient's
photo timeline with one click to accept it (the step then goes on) or to ask the patient for a
better one; and offered for accepting right after it is assigned from the Photo inbox.

On the demo clinic, offscreen, with a camera-like 12 MP photo out of focus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from servers import camera_jpeg
from sqlalchemy import select

from clinic_desktop.db.models import Notification, Patient, Photo, TreatmentStep
from clinic_desktop.ui.qt import QPushButton

pytestmark = pytest.mark.usefixtures("quality_gate")

WAIT = 10_000  # ms
DUE_TODAY = "P00002"  # demo: the active step is due today


def button(widget: Any, text: str) -> QPushButton:
    found = [b for b in widget.findChildren(QPushButton) if b.text().replace("&", "") == text]
    assert len(found) == 1, f"{len(found)} buttons labelled {text!r}"
    return found[0]


def blurred_photo(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(camera_jpeg("blurred"))
    return path


def active_order(context: Any, code: str) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(TreatmentStep.order).join(Patient).where(
            Patient.code == code, TreatmentStep.is_active.is_(True))))


def held_photo_id(context: Any, code: str) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(Photo.id).join(Patient).where(
            Patient.code == code, Photo.quality_issue != "")))


def test_staff_accept_a_held_photo_in_the_timeline_and_the_step_goes_on(
        qtbot, window, context, messages, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from clinic_desktop.photos.importer import PhotoImporter

    before = active_order(context, DUE_TODAY)
    outcome = PhotoImporter.for_app(context, context.clinic_today()).import_file(
        blurred_photo(tmp_path, f"{DUE_TODAY}_front.jpg"))
    assert outcome.held == ["blurred"]

    window.refresh_today()
    held = window.today.boxes["held_photos"][1]
    qtbot.waitUntil(lambda: held.count() == 1 and DUE_TODAY in held.item(0).text(),
                    timeout=WAIT)
    assert "blurred" in held.item(0).text()

    window.open_patient(DUE_TODAY)
    view = window.patient
    timeline = view.photos
    qtbot.waitUntil(lambda: any(b.text() == "Accept as it is"
                                for b in timeline.held.findChildren(QPushButton)),
                    timeout=WAIT)
    assert any(item.text().endswith("⚠") for item in timeline.items())

    button(timeline.held, "Ask for a better photo").click()
    qtbot.waitUntil(lambda: any(b.text() == "Better photo asked for"
                                for b in timeline.held.findChildren(QPushButton)),
                    timeout=WAIT)
    assert not button(timeline.held, "Better photo asked for").isEnabled()
    with context.sessions() as session:
        [kind] = session.scalars(select(Notification.kind).where(
            Notification.dedupe_key == f"photo-retake:{held_photo_id(context, DUE_TODAY)}"))
    assert kind == "photo_retake"

    button(timeline.held, "Accept as it is").click()

    qtbot.waitUntil(lambda: active_order(context, DUE_TODAY) == before + 1, timeout=WAIT)
    qtbot.waitUntil(lambda: timeline.held.findChildren(QPushButton) == [], timeout=WAIT)
    assert any(text.startswith(f"Photo accepted: step {before} ") for text in messages.infos)
    assert not any(item.text().endswith("⚠") for item in timeline.items())


def test_a_photo_assigned_from_the_inbox_and_held_can_be_accepted_there(
        qtbot, window, context, messages, tmp_path,
        monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from clinic_desktop.photos.importer import PhotoImporter
    from clinic_desktop.ui import inbox as inbox_module

    before = active_order(context, DUE_TODAY)
    outcome = PhotoImporter.for_app(context, context.clinic_today()).import_file(
        blurred_photo(tmp_path, "IMG_4711.jpg"))
    assert outcome.status == "unmatched"

    window.nav.setCurrentRow(2)
    inbox = window.inbox
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 1, timeout=WAIT)
    inbox.table.selectRow(0)

    def exec_filled(dialog: Any) -> int:
        qtbot.keyClicks(dialog.code, DUE_TODAY)
        qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=WAIT)
        dialog.ok_button.click()
        return dialog.result()

    monkeypatch.setattr(inbox_module.AssignDialog, "exec", exec_filled)
    button(inbox, "Assign to patient…").click()

    # The question is answered Yes (the messages fixture), so the photo is accepted at once.
    qtbot.waitUntil(lambda: active_order(context, DUE_TODAY) == before + 1, timeout=WAIT)
    assert any(kind == "question" and "held: blurred" in text
               for kind, _title, text in messages.shown)
