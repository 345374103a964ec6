"""A large clinic's views keep the window answering: long lists are filled a part at a time,
and tables neither measure every row nor write the settings file while they refresh."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from clinic_desktop import settings
from clinic_desktop.domain.dashboard import Overview, StepRow
from clinic_desktop.health import Health
from clinic_desktop.ui.qt import QPoint, QSettings, Qt
from clinic_desktop.ui.today import FIRST_ITEMS, TodayView
from clinic_desktop.ui.widgets import RowsModel, fit_columns, make_table

TODAY = date(2026, 11, 23)
WAIT = 10_000  # ms
NOBODY_SENDS = Health(sender="", sender_stale=True, last_daily=None, last_delivery=None,
                      queued=0, failed=0, needs_attention=0, inbox=0)


def waiting(count: int) -> Overview:
    due = TODAY - timedelta(days=1)
    return Overview(today=TODAY, patients=count, awaiting_photo=[
        StepRow(f"P{n:05d}", f"Anna Müller {n}", 2, "Aligner 2", due, 1)
        for n in range(1, count + 1)])


def codes(items: Any) -> list[str]:
    return [items.item(row).data(Qt.ItemDataRole.UserRole) for row in range(items.count())]


def test_today_shows_the_first_rows_at_once_and_the_rest_after(qtbot: Any) -> None:
    view = TodayView()
    qtbot.addWidget(view)
    box, items, _note = view.boxes["awaiting_photo"]

    view.show_overview(waiting(1000), NOBODY_SENDS, ZoneInfo("Europe/Berlin"))
    assert box.title() == "Waiting for a photo (1000)"
    assert codes(items) == [f"P{n:05d}" for n in range(1, FIRST_ITEMS + 1)]
    assert view.filling()

    qtbot.waitUntil(lambda: not view.filling(), timeout=5000)
    assert codes(items) == [f"P{n:05d}" for n in range(1, 1001)]


def test_a_newer_overview_replaces_one_still_being_filled(qtbot: Any) -> None:
    view = TodayView()
    qtbot.addWidget(view)
    items = view.boxes["awaiting_photo"][1]

    view.show_overview(waiting(1000), NOBODY_SENDS, ZoneInfo("Europe/Berlin"))
    view.show_overview(waiting(30), NOBODY_SENDS, ZoneInfo("Europe/Berlin"))
    qtbot.waitUntil(lambda: not view.filling(), timeout=5000)
    assert codes(items) == [f"P{n:05d}" for n in range(1, 31)]


def test_a_table_keeps_the_widths_the_user_set_not_its_own_fitting(qtbot: Any) -> None:
    model = RowsModel(["Code", "Name", "Email"])
    table = make_table(model, remember_as="large-clinic-test")
    qtbot.addWidget(table)
    table.resize(600, 300)
    table.show()
    qtbot.waitExposed(table)
    model.set_rows([[f"P{n:05d}", f"Patient {n}", f"p{n}@example.com"] for n in range(2000)])
    fit_columns(table)
    table.resize(700, 300)  # the last column stretches
    assert QSettings().value("columns/large-clinic-test") is None

    header = table.horizontalHeader()
    edge = header.sectionViewportPosition(0) + header.sectionSize(0) - 1
    middle = header.height() // 2
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge, middle))
    qtbot.mouseMove(header.viewport(), QPoint(edge + 40, middle))
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton,
                       pos=QPoint(edge + 40, middle))
    assert QSettings().value("columns/large-clinic-test") is not None


def test_settings_opened_again_stay_usable_and_keep_what_is_typed_meanwhile(
        qtbot: Any, window: Any, file_keyring: Any, monkeypatch: Any) -> None:
    from clinic_desktop.ui import settings_view

    view = window.settings
    window.nav.setCurrentRow(5)
    qtbot.waitUntil(lambda: window.tasks.pending() == 0, timeout=WAIT)
    assert view.fields["clinic.phone"].text() != "+44 20 7946 0999"
    stored_name = view.fields["clinic.name"].text()

    reading = threading.Event()
    read = settings_view.read_settings

    def slow_read(sessions: Any) -> Any:
        assert reading.wait(WAIT / 1000)
        return read(sessions)

    monkeypatch.setattr(settings_view, "read_settings", slow_read)
    window.nav.setCurrentRow(4)
    window.nav.setCurrentRow(5)  # read again, in a worker held until `reading` is set
    assert view.form_page.isEnabled()  # no greying of the whole form for a reload
    view.fields["clinic.phone"].setText("+44 20 7946 0999")
    reading.set()
    qtbot.waitUntil(lambda: window.tasks.pending() == 0, timeout=WAIT)
    assert view.fields["clinic.phone"].text() == "+44 20 7946 0999"
    assert view.fields["clinic.name"].text() == stored_name

    view.save()
    qtbot.waitUntil(lambda: view.status.text() == "Settings saved.", timeout=WAIT)
    qtbot.waitUntil(lambda: window.tasks.pending() == 0, timeout=WAIT)
    with window.context.sessions() as session:
        assert settings.get(session, "clinic.phone") == "+44 20 7946 0999"
