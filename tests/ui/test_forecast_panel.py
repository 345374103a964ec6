"""Today's "Emails of the next 7 days": the forecast worked out off the GUI thread, each day
with its emails, why they go and when the last one goes out, in English and German."""

from __future__ import annotations

from typing import Any

from clinic_desktop import settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.ui.qt import QFont, Qt

WAIT = 30_000  # ms: the forecast rehearses a week of the demo clinic on a loaded machine

# A demo patient (clinic_desktop.demo.STAGES) whose step is due today.
DUE_TODAY = "P00002"


def panel_lines(window: Any) -> list[str]:
    days = window.today.forecast.days
    return [days.item(i).text() for i in range(days.count())]


def headers(window: Any) -> list[str]:
    days = window.today.forecast.days
    return [days.item(i).text() for i in range(days.count())
            if days.item(i).font().weight() == QFont.Weight.Bold]


def open_forecast(qtbot: Any, window: Any) -> list[str]:
    with write_session(window.context.sessions) as session:
        settings.set_value(session, "smtp.host", "mail.clinic.example.org")
        settings.set_value(session, "smtp.from", "reception@clinic.example.org")
        settings.set_value(session, "send_window.start", "08:00")
        settings.set_value(session, "send_window.end", "18:00")
    button = window.today.forecast_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.today.forecast.isVisible() and window.today.lists.isHidden()
    qtbot.waitUntil(lambda: len(headers(window)) == 7, timeout=WAIT)
    return panel_lines(window)


def test_the_panel_lists_each_coming_day_and_opens_a_patient(qtbot: Any, window: Any) -> None:
    lines = open_forecast(qtbot, window)
    days = headers(window)
    assert days[0].startswith("Today, ") and days[1].startswith("Tomorrow, ")
    # Today's photo-required emails go out in the window, or are held back and say why.
    due = next(line for line in lines if DUE_TODAY in line and "Photo required" in line)
    assert "ended on" in due and "goes out at" in due
    assert any("held back: the patient has not agreed to receive emails" in line
               for line in lines)
    assert any("held back: the patient has no email address" in line for line in lines)
    assert ", the last at " in days[0]
    assert window.today.forecast.update_button.isEnabled()

    opened: list[str] = []
    window.today.open_patient.connect(opened.append)
    items = window.today.forecast.days
    item = next(items.item(i) for i in range(items.count())
                if DUE_TODAY in items.item(i).text())
    items.setCurrentItem(item)
    qtbot.keyClick(items, Qt.Key.Key_Return)
    assert opened == [DUE_TODAY]

    # Back on Today the panel is still there (the minute's refresh leaves it); the same
    # button brings today's lists back.
    window.nav.setCurrentRow(0)
    window.refresh_today()
    qtbot.wait(200)
    assert window.today.forecast.isVisible() and window.today.lists.isHidden()
    qtbot.mouseClick(window.today.forecast_button, Qt.MouseButton.LeftButton)
    assert window.today.lists.isVisible() and window.today.forecast.isHidden()


def test_the_panel_speaks_german(qtbot: Any, german: None, window: Any) -> None:
    lines = open_forecast(qtbot, window)
    days = headers(window)
    assert days[0].startswith("Heute, ") and days[1].startswith("Morgen, ")
    due = next(line for line in lines if DUE_TODAY in line and "Foto erforderlich" in line)
    assert "endete am" in due and "geht um" in due
    assert not any(word in line for line in lines
                   for word in ("ended on", "goes out", "held back", "email(s)"))


def test_without_sending_set_up_the_panel_says_so_and_the_emails_wait(
        qtbot: Any, window: Any) -> None:
    qtbot.mouseClick(window.today.forecast_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(headers(window)) == 7, timeout=WAIT)
    status = window.today.forecast.status
    assert status.isVisible()
    assert status.text().startswith("No email can go out: Sending email is not set up yet")
    due = next(line for line in panel_lines(window) if DUE_TODAY in line)
    assert due.endswith("waits in the Outbox")
