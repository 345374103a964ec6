"""The tray reads the database in a worker and says so when it cannot."""

from __future__ import annotations

from typing import Any


def test_tray_reads_the_database_in_the_worker_and_says_when_it_cannot(
        qtbot: Any, context: Any, tasks: Any) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    from clinic_desktop.ui.tray import ATTENTION, TrayNotifier

    tray = TrayNotifier(context, None, tasks)
    try:
        tray.refresh()
        assert tray.tooltip == ""  # nothing read on the GUI thread
        qtbot.waitUntil(lambda: "Emails waiting" in tray.tooltip, timeout=5000)
        assert "Last check:" in tray.tooltip

        # A PostgreSQL server that is not there (nothing listens on port 1).
        engine = create_engine("postgresql+psycopg://clinic@127.0.0.1:1/clinic",
                               connect_args={"connect_timeout": 2})
        tray.context = type("Gone", (), {"sessions": sessionmaker(engine)})()
        tray.refresh()
        qtbot.waitUntil(lambda: "cannot be read" in tray.tooltip, timeout=10_000)
        assert "The database did not answer" in tray.tooltip
        assert "Check that the database server" in tray.tooltip
        assert tray.state == ATTENTION
        engine.dispose()
    finally:
        tray.icon.hide()
        tray.menu.deleteLater()


def test_missing_mail_settings_are_said_once_in_words_and_the_balloon_opens_settings(
        qtbot: Any, context: Any, tasks: Any, monkeypatch: Any) -> None:
    from clinic_desktop.scheduler import JobEvent
    from clinic_desktop.ui.tray import TrayNotifier

    tray = TrayNotifier(context, None, tasks)
    shown: list[str] = []
    monkeypatch.setattr(tray.icon, "showMessage", lambda _title, text, *_a: shown.append(text))
    try:
        refused = JobEvent("delivery", False, "not sent: clinic-desktop settings set KEY VALUE",
                           attention=True, config_error=True)
        for _queued_email in range(3):
            tray.notify(refused)
        assert len(shown) == 1  # once, not after every queued email
        assert "settings set" not in shown[0] and "open Settings" in shown[0]
        with qtbot.waitSignal(tray.settings_requested, timeout=1000):
            tray.icon.messageClicked.emit()

        tray.notify(JobEvent("delivery", True, "2 sent"))  # fixed: sending works again
        tray.notify(refused)
        assert len(shown) == 2
    finally:
        tasks.wait()
        tray.icon.hide()
        tray.menu.deleteLater()
