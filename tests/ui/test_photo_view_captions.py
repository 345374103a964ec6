"""Each photo in the timeline, the viewer and Compare is captioned with the view it shows (read
from the file name), before its date, in the app's language; staff change it with a right-click
on the photo. On the demo clinic, offscreen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from walk import PATIENT, WAIT, photos_for

from clinic_desktop.db.models import Photo


def timeline_with_photos(qtbot: Any, window: Any, folder: Path) -> Any:
    photos_for(window.context, folder)  # PATIENT_front.jpg and PATIENT_left.jpg
    window.open_patient(PATIENT)
    timeline = window.patient.photos
    qtbot.waitUntil(lambda: any(p.name == f"{PATIENT}_front.jpg" for p in timeline.photos),
                    timeout=WAIT)
    return timeline


def caption_of(timeline: Any, name: str) -> str:
    [text] = [item.text() for item in timeline.items() if item.toolTip().startswith(name)]
    return str(text)


def test_captions_name_the_view_and_staff_change_it(qtbot: Any, window: Any,
                                                   tmp_path: Path) -> None:
    from clinic_desktop.ui.photos import CompareDialog, PhotoViewer, library_of
    from clinic_desktop.ui.qt import QApplication, QTimer

    timeline = timeline_with_photos(qtbot, window, tmp_path / "in")
    front = next(p for p in timeline.photos if p.name == f"{PATIENT}_front.jpg")
    left = next(p for p in timeline.photos if p.name == f"{PATIENT}_left.jpg")
    assert caption_of(timeline, front.name).startswith("front · ")
    assert caption_of(timeline, left.name).startswith("left · ")
    viewer = PhotoViewer(library_of(window.context), front, window)
    assert " — front · " in viewer.windowTitle()
    compare = CompareDialog(library_of(window.context), front, left, window)
    captions = [label.text() for label in compare.findChildren(type(viewer.label))]
    assert any(text.startswith("front · ") for text in captions)
    assert any(text.startswith("left · ") for text in captions)
    viewer.deleteLater()
    compare.deleteLater()

    # A right-click on the photo opens its menu, its view ticked.
    [(grid, item)] = [(g, g.item(r)) for _t, g in timeline.groups for r in range(g.count())
                      if g.item(r).toolTip().startswith(front.name)]
    ticked: list[str] = []

    def look_and_close() -> None:
        popup = QApplication.activePopupWidget()
        ticked.extend(a.text() for a in popup.actions() if a.isChecked())
        popup.close()

    QTimer.singleShot(50, look_and_close)
    grid.customContextMenuRequested.emit(grid.visualItemRect(item).center())
    assert ticked == ["front"]

    menu = timeline.view_menu(front)
    [upper] = [a for a in menu.actions() if a.text() == "upper jaw"]
    upper.trigger()
    qtbot.waitUntil(lambda: caption_of(timeline, front.name).startswith("upper jaw · "),
                    timeout=WAIT)
    with window.context.sessions() as session:
        assert session.scalar(select(Photo.view).where(Photo.id == front.id)) == "upper"


def test_captions_speak_german(german: Any, qtbot: Any, tasks: Any) -> None:
    from datetime import date

    from clinic_desktop.domain.patient_page import PhotoRow, StepHead
    from clinic_desktop.ui.photos import PhotoTimeline
    from clinic_desktop.ui.qt import QImage

    timeline = PhotoTimeline(None, tasks)
    qtbot.addWidget(timeline)
    step = StepHead(2, "Aligner 2", "active", date(2026, 11, 2), None)
    photos = [PhotoRow(n, "", step, None, date(2026, 11, 24), name, view, (), "", False, False)
              for n, (name, view) in enumerate((("a.jpg", "front"), ("b.jpg", "lower"),
                                                ("IMG_2041.jpg", "")))]
    timeline.show_photos(photos, None, {photo.id: QImage() for photo in photos})
    assert [item.text() for item in timeline.items()] == [
        "frontal · 24.11.2026", "Unterkiefer · 24.11.2026", "24.11.2026"]
