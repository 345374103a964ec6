"""Photos and steps as staff handle them: assign an inbox photo to a step, drop files on a step
row, and the photo timeline grouped by step (compare across steps, the PDF report).

On the demo clinic, offscreen; each test waits for what the screen shows, never a fixed time.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import InboxItem, Notification, Patient, Photo, TreatmentStep
from clinic_desktop.ui.i18n import date_text
from clinic_desktop.ui.qt import (
    QApplication,
    QDialog,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QPushButton,
    Qt,
    QUrl,
)

WAIT = 10_000  # ms
MIDDLE = "P00001"  # demo: steps 1-4 completed, step 5 active (not due), 6-24 not started


# --- helpers ------------------------------------------------------------------------------


def button(widget: Any, text: str) -> QPushButton:
    found = [b for b in widget.findChildren(QPushButton) if b.text().replace("&", "") == text]
    assert len(found) == 1, f"{len(found)} buttons labelled {text!r}"
    return found[0]


def open_patient(qtbot: Any, window: Any, code: str) -> Any:
    window.open_patient(code)
    view = window.patient
    qtbot.waitUntil(lambda: view.title.text().startswith(code)
                    and view.steps_model.rowCount() > 0, timeout=WAIT)
    return view


def importer(context: Any) -> Any:
    from clinic_desktop.photos.importer import PhotoImporter

    return PhotoImporter.for_app(context, context.clinic_today())


def step_rows(context: Any, code: str) -> list[TreatmentStep]:
    with context.sessions() as session:
        return list(session.scalars(select(TreatmentStep).join(Patient).where(
            Patient.code == code).order_by(TreatmentStep.order)))


def plan_state(context: Any, code: str) -> list[tuple[int, bool, bool]]:
    return [(s.order, s.is_active, s.is_completed) for s in step_rows(context, code)]


def photos_of(context: Any, code: str) -> list[Photo]:
    with context.sessions() as session:
        return list(session.scalars(select(Photo).join(Patient).where(
            Patient.code == code).order_by(Photo.id)))


def notification_count(context: Any) -> int:
    with context.sessions() as session:
        return len(session.scalars(select(Notification.id)).all())


def drop_on(widget: Any, position: Any, paths: list[Path]) -> None:
    """A drag from Explorer entering `widget`, moving to `position`, and dropping there."""
    from PySide6.QtCore import QMimeData, QPointF

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(position)
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    with warnings.catch_warnings():
        # PySide offers only the QPoint constructors (deprecated in C++) for these two.
        warnings.simplefilter("ignore", DeprecationWarning)
        moves = [QDragEnterEvent(point.toPoint(), *args), QDragMoveEvent(point.toPoint(), *args)]
    for event in (*moves, QDropEvent(point, *args)):
        QApplication.sendEvent(widget, event)
        assert event.isAccepted(), f"{event.type()} refused"


def import_dialog(qtbot: Any) -> Any:
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if w.windowTitle() == "Importing photos" and w.isVisible())
    qtbot.waitUntil(lambda: dialog.close_button.text() == "&Close", timeout=WAIT)
    return dialog


# --- assign an inbox photo to a step ------------------------------------------------------


def test_assign_dialog_offers_the_patients_steps_and_files_the_photo_under_an_earlier_one(
        qtbot: Any, window: Any, photo_files: Any, messages: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui import inbox as inbox_module

    outcome = importer(window.context).import_file(photo_files.jpeg("IMG_7001.jpg"))
    assert outcome.status == "unmatched"
    window.nav.setCurrentRow(2)
    view = window.inbox
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=WAIT)
    view.table.selectRow(0)
    before = plan_state(window.context, MIDDLE)
    mails = notification_count(window.context)
    seen: dict[str, Any] = {}

    def exec_filled(dialog: Any) -> int:
        assert not dialog.ok_button.isEnabled() and not dialog.step.isEnabled()
        qtbot.keyClicks(dialog.code, "p09876")  # nobody: said so, and Assign stays off
        qtbot.waitUntil(lambda: "p09876" in dialog.patient.text(), timeout=WAIT)
        assert dialog.patient.text() == ("No patient has the code, or a name, email or phone "
                                         "with “p09876” in it.")
        assert not dialog.ok_button.isEnabled()
        dialog.code.clear()
        qtbot.keyClicks(dialog.code, MIDDLE.lower())
        qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=WAIT)
        seen["patient"] = dialog.patient.text()
        seen["labels"] = [dialog.step.itemText(i) for i in range(dialog.step.count())]
        seen["enabled"] = [dialog.step.model().item(i).isEnabled()
                           for i in range(dialog.step.count())]
        assert dialog.step.currentData() is None  # the default: the active step
        dialog.step.setCurrentIndex(dialog.step.findData(2))
        dialog.ok_button.click()
        return dialog.result()

    monkeypatch.setattr(inbox_module.AssignDialog, "exec", exec_filled)
    button(view, "Assign to patient…").click()

    qtbot.waitUntil(lambda: bool(messages.infos), timeout=WAIT)
    assert seen["patient"].startswith(f"{MIDDLE} ")
    assert seen["labels"][0] == "The active step (5 – Aligner 5)"
    assert seen["labels"][1:6] == [
        "Step 1 – Aligner 1 (completed)", "Step 2 – Aligner 2 (completed)",
        "Step 3 – Aligner 3 (completed)", "Step 4 – Aligner 4 (completed)",
        "Step 5 – Aligner 5 (active)"]
    assert seen["labels"][6] == "Step 6 – Aligner 6 (not started)"
    assert seen["enabled"] == [True] * 6 + [False] * 19  # not-started steps cannot be chosen
    assert messages.infos[0] == f"IMG_7001.jpg: filed for {MIDDLE} under step 2."
    assert messages.errors == []
    [photo] = photos_of(window.context, MIDDLE)
    assert photo.step_id == step_rows(window.context, MIDDLE)[1].id
    assert not photo.completed_step
    assert plan_state(window.context, MIDDLE) == before
    assert notification_count(window.context) == mails
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=WAIT)
    with window.context.sessions() as session:
        assert session.scalars(select(InboxItem.status)).all() == ["assigned"]


# --- drop files on a step row -------------------------------------------------------------


def row_centre(table: Any, row: int) -> Any:
    index = table.model().index(row, 1)
    table.scrollTo(index)
    return table.visualRect(index).center()


def test_dropping_photos_on_a_step_row_files_them_under_that_step(
        qtbot: Any, window: Any, photo_files: Any, messages: Any) -> None:
    view = open_patient(qtbot, window, MIDDLE)
    table = view.steps_table
    before = plan_state(window.context, MIDDLE)
    mails = notification_count(window.context)
    files = [photo_files.jpeg("front.jpg"), photo_files.jpeg("side.jpg")]

    drop_on(table.viewport(), row_centre(table, 2), files)  # step 3, completed
    # While dragging, the row under the pointer was selected (until the page reloads).
    assert [i.row() for i in table.selectionModel().selectedRows()] == [2]

    dialog = import_dialog(qtbot)
    log = dialog.log.toPlainText()
    assert f"imported: front.jpg — filed for {MIDDLE} under step 3; nothing else changes" \
        in log
    assert "2 files: 2 imported." in log
    third = step_rows(window.context, MIDDLE)[2]
    assert [p.step_id for p in photos_of(window.context, MIDDLE)] == [third.id, third.id]
    assert plan_state(window.context, MIDDLE) == before
    assert notification_count(window.context) == mails
    dialog.close_button.click()

    # A step that has not started refuses the files; nothing is added.
    drop_on(table.viewport(), row_centre(table, 7), [photo_files.jpeg("later.jpg")])
    dialog = import_dialog(qtbot)
    assert (f"refused: later.jpg — Step 8 'Aligner 8' of {MIDDLE} has not started yet (the "
            "active step is 5 'Aligner 5')") in dialog.log.toPlainText()
    assert len(photos_of(window.context, MIDDLE)) == 2
    dialog.close_button.click()

    # The photos tab shows them under step 3 once the page has reloaded.
    qtbot.waitUntil(lambda: len(view.photos.items()) == 2, timeout=WAIT)
    assert view.photos.headings()[0].startswith("Step 3 – Aligner 3 · ")
    assert messages.errors == []


# --- the timeline, grouped by step --------------------------------------------------------


@pytest.fixture
def photos_in_three_groups(window: Any, photo_files: Any) -> dict[str, int]:
    """MIDDLE gets photos under step 4, step 1, step 5 (active) and one with no step."""
    from datetime import date

    by_name = {}
    for name, step, taken in (("s4.jpg", 4, date(2026, 1, 20)), ("s1.jpg", 1, date(2025, 12, 1)),
                              ("s1b.jpg", 1, date(2025, 12, 3)), ("s5.jpg", 5, date(2026, 2, 2)),
                              ("loose.jpg", 5, date(2025, 11, 1))):
        outcome = importer(window.context).import_file(
            photo_files.jpeg(name), patient_code=MIDDLE, step_order=step, taken=taken)
        assert outcome.status == "imported", outcome.line()
        by_name[name] = outcome.photo_id
    with write_session(window.context.sessions) as session:  # e.g. its step was deleted
        session.execute(update(Photo).where(Photo.id == by_name["loose.jpg"]).values(
            step_id=None))
    return by_name


def test_timeline_heads_each_step_in_plan_order_with_its_dates(
        qtbot: Any, window: Any, photos_in_three_groups: Any) -> None:
    view = open_patient(qtbot, window, MIDDLE)
    view.tabs.setCurrentWidget(view.photos)
    timeline = view.photos
    qtbot.waitUntil(lambda: len(timeline.items()) == 5, timeout=WAIT)

    steps = step_rows(window.context, MIDDLE)

    def period(step: TreatmentStep, end: Any) -> str:
        return f"{date_text(step.start_date)} – {date_text(end)}"

    # A completed step ran until the next one started; the active one until it is due.
    assert timeline.headings() == [
        f"Step 1 – Aligner 1 · {period(steps[0], steps[1].start_date)}",
        f"Step 4 – Aligner 4 · {period(steps[3], steps[4].start_date)}",
        f"Step 5 – Aligner 5 · {period(steps[4], steps[4].due_date)} (active)",
        "No step",
    ]
    grids = [grid for _title, grid in timeline.groups]
    assert [g.count() for g in grids] == [2, 1, 1, 1]
    assert [grids[0].item(i).text() for i in range(2)] == [date_text(date(2025, 12, 1)),
                                                           date_text(date(2025, 12, 3))]
    assert grids[3].item(0).text() == date_text(date(2025, 11, 1))
    # Every group is tall enough for its thumbnails: the page scrolls, a group never does.
    for grid in grids:
        assert grid.visualItemRect(grid.item(grid.count() - 1)).bottom() <= grid.height()


def test_compare_two_photos_from_different_steps_and_first_with_latest(
        qtbot: Any, window: Any, photos_in_three_groups: Any, messages: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui import photos as photos_module

    compared: list[tuple[str, str]] = []
    viewed: list[str] = []

    class RecordingCompare:
        def __init__(self, _library: Any, before: Any, after: Any, _parent: Any = None):
            compared.append((before.name, after.name))

        def exec(self) -> int:
            return 0

    monkeypatch.setattr(photos_module, "CompareDialog", RecordingCompare)
    monkeypatch.setattr(photos_module.PhotoViewer, "exec",
                        lambda self: viewed.append(self.windowTitle()) or 0)
    view = open_patient(qtbot, window, MIDDLE)
    view.tabs.setCurrentWidget(view.photos)
    timeline = view.photos
    qtbot.waitUntil(lambda: len(timeline.items()) == 5, timeout=WAIT)
    grids = [grid for _title, grid in timeline.groups]

    def click(grid: Any, row: int, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, modifier,
                         grid.visualItemRect(grid.item(row)).center())

    click(grids[0], 1)  # s1b, under step 1
    click(grids[2], 0, Qt.KeyboardModifier.ControlModifier)  # s5, under step 5
    assert [i.text() for i in timeline.items() if i.isSelected()] == [
        date_text(date(2025, 12, 3)), date_text(date(2026, 2, 2))]
    button(timeline, "Compare").click()
    assert compared == [("s1b.jpg", "s5.jpg")]

    click(grids[1], 0)  # a plain click starts a new selection, in every group
    assert [i.text() for i in timeline.items() if i.isSelected()] == [
        date_text(date(2026, 1, 20))]
    button(timeline, "Compare").click()
    assert messages.errors == ["Select exactly two photos to compare (Ctrl+click)."]

    button(timeline, "First ↔ latest").click()  # by when they were taken, not by step
    assert compared[-1] == ("loose.jpg", "s5.jpg")

    centre = grids[1].visualItemRect(grids[1].item(0)).center()
    qtbot.mouseDClick(grids[1].viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert viewed and viewed[0].startswith(f"s4.jpg — {date_text(date(2026, 1, 20))}, step 4")


def test_pdf_report_puts_each_steps_photos_under_its_heading(
        qtbot: Any, window: Any, photos_in_three_groups: Any, tmp_path: Path) -> None:
    from clinic_desktop.photos.importer import library_for
    from clinic_desktop.ui.photos import report_pages, write_report

    view = open_patient(qtbot, window, MIDDLE)
    qtbot.waitUntil(lambda: len(view.photos.items()) == 5, timeout=WAIT)
    photos = view.photos.photos

    pages = report_pages(photos)

    shown = [[(kind, value if kind == "heading" else value.name) for kind, value in page]
             for page in pages]
    headings = view.photos.headings()
    assert shown == [
        [("heading", headings[0]), ("photo", "s1.jpg"), ("photo", "s1b.jpg")],
        [("heading", headings[1]), ("photo", "s4.jpg"),
         ("heading", headings[2]), ("photo", "s5.jpg")],
        [("heading", "No step"), ("photo", "loose.jpg")],
    ]
    assert report_pages([*photos, replace(photos[1], name="s1c.jpg")])[1][0] == \
        ("heading", f"{headings[0]} (continued)")

    target = tmp_path / "report.pdf"
    count = write_report(target, f"{MIDDLE} test", photos,
                         library_for(window.context.sessions, window.context.paths.data_dir))
    assert count == 3
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") == 3


def test_assign_dialog_finds_the_patient_by_name_and_lists_several_to_pick_from(
        qtbot: Any, window: Any) -> None:
    from clinic_desktop.ui.inbox import AssignDialog, InboxPhoto
    from clinic_desktop.ui.qt import QImage

    with window.context.sessions() as session:
        muellers = session.scalars(select(Patient.code).where(Patient.last_name == "Müller")
                                   .order_by(Patient.code)).all()
        only = session.scalar(select(Patient).where(Patient.code == MIDDLE))
        only_name = f"{only.first_name} {only.last_name}"
    assert len(muellers) >= 2, "the demo clinic should have several Müllers"
    dialog = AssignDialog(window.context, window.tasks, InboxPhoto(
        1, "unmatched", "IMG_7001.jpg", "", "", None, None, QImage()), window)
    qtbot.addWidget(dialog)

    dialog.code.setText("MÜLLER")  # not a code: the names are searched
    qtbot.waitUntil(lambda: dialog.matches.count() > 0, timeout=WAIT)
    listed = [dialog.matches.item(i).data(Qt.ItemDataRole.UserRole)
              for i in range(dialog.matches.count())]
    assert listed == muellers[:8]
    assert dialog.patient.text().startswith("Several patients match “MÜLLER”")
    assert not dialog.ok_button.isEnabled()

    dialog.matches.itemClicked.emit(dialog.matches.item(1))  # pick the second
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=WAIT)
    assert dialog.code.text() == muellers[1]
    assert dialog.patient.text().startswith(f"{muellers[1]} ")
    assert dialog.values() == (muellers[1], None)

    # Text only one patient has (their email) goes straight to them.
    dialog.code.clear()
    dialog.code.setText(f"{MIDDLE.lower()}@exa")
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=WAIT)
    assert dialog.code.text() == MIDDLE
    assert dialog.patient.text() == f"{MIDDLE} {only_name}"
    assert dialog.step.count() > 1 and not dialog.matches.isVisible()

    dialog.code.clear()
    dialog.code.setText("Zzyzx")
    qtbot.waitUntil(lambda: "Zzyzx" in dialog.patient.text(), timeout=WAIT)
    assert dialog.patient.text() == ("No patient has the code, or a name, email or phone "
                                     "with “Zzyzx” in it.")
    assert not dialog.ok_button.isEnabled()


# --- see the photo before filing it -------------------------------------------------------


def test_the_inbox_shows_each_photo_and_the_assign_dialog_a_large_preview(
        qtbot: Any, window: Any, photo_files: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui import inbox as inbox_module

    source = photo_files.jpeg("visit/IMG_2041.jpg")
    assert importer(window.context).import_file(source).status == "unmatched"
    window.nav.setCurrentRow(2)
    view = window.inbox
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=WAIT)
    thumbnail = view.model.data(view.model.index(0, 0), Qt.ItemDataRole.DecorationRole)
    assert not thumbnail.isNull()  # the photo itself, not only IMG_2041.jpg
    assert view.model.rows[0][2] == "IMG_2041.jpg"
    taken = view.photos[view.model.keys[0]].taken_day
    assert taken is not None and view.model.rows[0][3] == date_text(taken)

    seen: dict[str, Any] = {}

    def look(dialog: Any) -> int:
        dialog.show()
        qtbot.waitUntil(lambda: dialog.preview.pixmap() is not None
                        and not dialog.preview.pixmap().isNull(), timeout=WAIT)
        seen["size"] = dialog.preview.pixmap().size()
        seen["about"] = dialog.about.text()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(inbox_module.AssignDialog, "exec", look)
    view.table.selectRow(0)
    button(view, "Assign to patient…").click()
    assert seen["size"].width() >= 200  # large enough to tell who it is
    assert seen["about"].splitlines() == [
        "IMG_2041.jpg", f"Taken: {date_text(taken)}", f"From: {source.parent}"]


def test_import_a_folder_takes_every_photo_in_it(qtbot: Any, window: Any, photo_files: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui.qt import QFileDialog

    visit = photo_files.jpeg(f"{MIDDLE}/front.jpg").parent
    photo_files.jpeg(f"{MIDDLE}/left.jpg")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *_args, **_kwargs: str(visit)))
    window.nav.setCurrentRow(2)
    button(window.inbox, "Import a folder…").click()
    log = import_dialog(qtbot).log.toPlainText()
    assert "2 files: 2 imported." in log
    assert len(photos_of(window.context, MIDDLE)) == 2
