"""Every view and dialog of the app, opened in turn on the demo clinic: for the tests that
look at all of them (fits the screen, German everywhere, every control named)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

WAIT = 10_000
PATIENT = "P00001"


def _settle(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: window.tasks.pool.activeThreadCount() == 0, timeout=WAIT)
    qtbot.wait(20)  # the answers' queued signals are delivered
    qtbot.waitUntil(lambda: window.tasks.pool.activeThreadCount() == 0, timeout=WAIT)


def photos_for(context: Any, folder: Path) -> None:
    """Two photos for PATIENT, so the timeline, the viewer and Compare have something, and
    one that names nobody, for the Photo inbox and the Assign dialog."""
    from PIL import Image

    from clinic_desktop.photos.importer import PhotoImporter, library_for

    folder.mkdir(parents=True, exist_ok=True)
    importer = PhotoImporter(context.sessions, library_for(context.sessions,
                                                           context.paths.data_dir),
                             context.clinic_today())
    for name, colour in (("front", (200, 60, 60)), ("left", (60, 60, 200))):
        path = folder / f"{PATIENT}_{name}.jpg"
        Image.new("RGB", (320, 240), colour).save(path, "JPEG")
        assert importer.import_file(path, patient_code=PATIENT).status == "imported"
    stray = folder / "IMG_2041.jpg"
    Image.new("RGB", (320, 240), (60, 160, 60)).save(stray, "JPEG")
    assert importer.import_file(stray).status == "unmatched"


def every_view(qtbot: Any, window: Any) -> Iterator[tuple[str, Any]]:
    """(name, widget) for each main view (each tab of those with tabs) and each dialog,
    shown and loaded; dialogs are closed after the caller has looked at them."""
    from clinic_desktop.ui.inbox import AssignDialog, ImportDialog, inbox_photos
    from clinic_desktop.ui.patient import ApplyPlanDialog, StepDialog
    from clinic_desktop.ui.patients import PatientDialog
    from clinic_desktop.ui.photos import CompareDialog, PhotoViewer, library_of
    from clinic_desktop.ui.plans_view import TemplateDialog
    from clinic_desktop.ui.qt import QTabWidget
    from clinic_desktop.ui.wizard import SetupWizard

    context = window.context
    for row in range(window.nav.count()):
        if window.nav.currentRow() == row:
            window.show_page(row)  # loaded again: the test may have changed the data
        window.nav.setCurrentRow(row)
        _settle(qtbot, window)
        page = window.stack.currentWidget()
        tabs = page.findChildren(QTabWidget)
        outer = [t for t in tabs if not any(o.isAncestorOf(t) for o in tabs if o is not t)]
        if outer:
            for index in range(outer[0].count()):
                outer[0].setCurrentIndex(index)
                yield f"{window.nav.item(row).text()} / {outer[0].tabText(index)}", window
        else:
            yield window.nav.item(row).text(), window
    window.open_patient(PATIENT)
    qtbot.waitUntil(lambda: PATIENT in window.patient.title.text(), timeout=WAIT)
    _settle(qtbot, window)
    for index in range(window.patient.tabs.count()):
        window.patient.tabs.setCurrentIndex(index)
        yield f"patient / {window.patient.tabs.tabText(index)}", window
    photos = window.patient.photos.photos
    dialogs: list[tuple[str, Any]] = [
        ("add patient", PatientDialog(context, window.tasks, window)),
        ("edit patient", PatientDialog(context, window.tasks, window, code=PATIENT)),
        ("add step", StepDialog(window)),
        ("apply plan", ApplyPlanDialog(["Clear aligners"], context.clinic_today(), window)),
        *[("assign photo", AssignDialog(context, window.tasks, photo, window))
          for photo in inbox_photos(context)[:1]],
        ("import photos", ImportDialog(window, 3)),
        ("new plan template", TemplateDialog(context, window.tasks, window)),
    ]
    if len(photos) >= 2:
        library = library_of(context)
        dialogs += [("compare", CompareDialog(library, photos[0], photos[-1], window)),
                    ("photo", PhotoViewer(library, photos[0], window))]
    wizard = SetupWizard(context, window.tasks, window)
    for name, dialog in dialogs:
        dialog.show()
        qtbot.waitExposed(dialog)
        _settle(qtbot, window)  # what the dialog reads in a worker has arrived
        yield name, dialog
        dialog.close()
    wizard.show()
    qtbot.waitExposed(wizard)
    for page_id in wizard.pageIds():
        wizard.setStartId(page_id)
        wizard.restart()
        yield f"setup wizard / {wizard.currentPage().title()}", wizard
    wizard.close()
