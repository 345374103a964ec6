"""The sentences the Qt-free core makes, as a German user meets them: why a photo was refused
or waits, why the mail server said no, what the daily check did, why a setting was refused,
the warning that nobody sends, why a step rule refused, a bad patients CSV, a broken email
template, a watched folder gone and a busy database. Each is driven as staff would drive it
and read where staff read it; none may leave English on the screen."""

from __future__ import annotations

import shutil
import sqlite3
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from servers import SMTP_USER, configure_smtp
from test_german import CATALOGUE, english_in
from test_views import button, open_patient
from walk import PATIENT, WAIT

from clinic_desktop import settings
from clinic_desktop.db.engine import sqlite_path, write_session
from clinic_desktop.sentences import CONTEXT, every_sentence


def settle(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: window.tasks.pool.activeThreadCount() == 0, timeout=WAIT)
    qtbot.wait(20)  # the answers' queued signals are delivered


def test_every_sentence_of_the_core_has_its_german() -> None:
    """A run of pyside6-lupdate over ui/ only would drop the core's context: this says so."""
    german = {message.findtext("source"): message.find("translation")
              for context in ET.parse(CATALOGUE / "clinic_desktop_de.ts").getroot()
              .iter("context") if context.findtext("name") == CONTEXT
              for message in context.iter("message")}
    missing = [s.template for s in every_sentence()
               if s.template not in german or german[s.template].get("type") == "unfinished"]
    assert missing == []


def test_a_stored_sentence_is_said_in_german_and_an_unknown_one_is_kept(german: Any) -> None:
    from clinic_desktop.ui.words import core_text

    stored = ("The server refused the address anna@example.org: 550 5.1.1 mailbox unknown "
              "(attempt 2 of 6; next try in 2 min)")
    assert core_text(stored) == ("Der Server hat die Adresse anna@example.org abgelehnt: "
                                 "550 5.1.1 mailbox unknown (Versuch 2 von 6; nächster Versuch "
                                 "in 2 Min.)")
    assert core_text("3 sent, 1 failed; stopped when the app quit, the rest is sent at the next "
                     "start") == ("3 gesendet, 1 fehlgeschlagen; beim Beenden der App "
                                  "angehalten, der Rest geht beim nächsten Start hinaus")
    # Setting keys become the fields' labels, dates the locale's.
    said = core_text("Work is waiting but nobody has checked or sent since 2026-11-27 09:05. "
                     "Is the notifier running on any PC?")
    assert said.startswith("Es wartet Arbeit, aber seit 27.11.2026 09:05 hat kein PC")
    assert "smtp." not in core_text("The mail server 'mail.example.org' was not found. Check "
                                    "smtp.host and this PC's internet connection.")
    older = "A sentence an older version stored"
    assert core_text(older) == older


def test_importing_photos_says_each_outcome_in_german(german: Any, qtbot: Any, window: Any,
                                                      photo_files: Any) -> None:
    from clinic_desktop.ui.inbox import run_import

    good = photo_files.jpeg(f"{PATIENT}_front.jpg", size=(1600, 1200))
    again = photo_files.target(f"{PATIENT}_front_copy.jpg")
    shutil.copyfile(good, again)  # the same photo twice: a duplicate
    broken = photo_files.write(f"{PATIENT}_left.jpg", b"\xff\xd8\xff\xe0 not a photo at all")
    stray = photo_files.jpeg("IMG_2041.jpg")
    dialog = run_import(window, window.context, window.tasks, [good, again, broken, stray])
    qtbot.waitUntil(lambda: dialog.finished_work, timeout=WAIT)
    log = dialog.log.toPlainText()
    dialog.close()
    assert "schon am" in log and "das Bild ist beschädigt" in log
    assert english_in(log) == []

    window.nav.setCurrentRow(2)  # the Photo inbox: why the stray photo waits
    inbox = window.inbox
    qtbot.waitUntil(lambda: any(row[2] == "IMG_2041.jpg" for row in inbox.model.rows),
                    timeout=WAIT)
    reasons = [str(row[4]) for row in inbox.model.rows]
    assert any("keine Patientennummer" in reason for reason in reasons)
    assert [r for r in reasons if english_in(r)] == []


def test_a_refused_login_and_an_unreachable_server_are_said_in_german(
        german: Any, qtbot: Any, window: Any, file_keyring: Any, smtp_server_factory: Any,
        messages: Any) -> None:
    server = smtp_server_factory("none", auth=True)
    window.nav.setCurrentRow(5)
    view = window.settings
    qtbot.waitUntil(lambda: view.fields["smtp.port"].value() == 587, timeout=WAIT)
    view.fields["smtp.host"].setText("127.0.0.1")
    view.fields["smtp.port"].setValue(server.port)
    view.fields["smtp.security"].setCurrentIndex(view.fields["smtp.security"].findData("none"))
    view.fields["smtp.username"].setText(SMTP_USER)
    view.fields["smtp.from"].setText("reception@clinic.example.org")
    view.password.setText("not the password")
    view.send_test()
    qtbot.waitUntil(lambda: len(messages.errors) == 1, timeout=WAIT)
    refused = messages.errors[0]
    assert "hat die Anmeldung für" in refused and "Prüfen Sie das Passwort" in refused
    assert "clinic-desktop" not in refused  # no command line in the window

    server.stop()  # the same settings, nobody listening
    view.send_test()
    qtbot.waitUntil(lambda: len(messages.errors) == 2, timeout=WAIT)
    assert "hat die Verbindung abgelehnt" in messages.errors[1]
    assert [m for m in messages.errors if english_in(m)] == []


def test_the_daily_check_and_a_refused_email_are_said_in_german(
        german: Any, qtbot: Any, window: Any, smtp_server_factory: Any,
        messages: Any) -> None:
    server = smtp_server_factory("none")
    server.data_faults.append("550 5.1.1 mailbox unknown")
    with write_session(window.context.sessions) as session:
        configure_smtp(session, server)
    window.run_check_now()
    qtbot.waitUntil(lambda: len(messages.shown) == 1, timeout=WAIT)
    summary = messages.shown[0][2]
    assert "abgelaufene Schritt(e)" in summary and "1 fehlgeschlagen" in summary
    assert english_in(summary) == []

    window.nav.setCurrentRow(3)  # the Outbox: why the email failed
    outbox = window.outbox
    qtbot.waitUntil(lambda: any("550 5.1.1" in str(row[7]) for row in outbox.model.rows),
                    timeout=WAIT)
    problems = [str(row[7]) for row in outbox.model.rows if row[7]]
    assert any(p.startswith("Der Server hat die E-Mail abgelehnt: 550 5.1.1") for p in problems)
    assert [p for p in problems if english_in(p)] == []


def test_refused_settings_and_the_silent_notifier_are_said_in_german(
        german: Any, qtbot: Any, window: Any, file_keyring: Any, tmp_path: Path) -> None:
    settle(qtbot, window)
    warning = window.today.warning.text()  # the demo clinic: work waits, nobody sent yet
    assert warning.startswith("Es wartet Arbeit") and english_in(warning) == []

    window.nav.setCurrentRow(5)
    view = window.settings
    qtbot.waitUntil(lambda: view.fields["smtp.port"].value() == 587, timeout=WAIT)
    view.fields["smtp.host"].setText("bad host!")
    view.fields["clinic.logo"].setText(str(tmp_path / "logo.png"))
    view.save()
    settle(qtbot, window)
    shown = {key: view.errors[key].text() for key in ("smtp.host", "clinic.logo")}
    assert shown["smtp.host"].startswith("“") and "muss ein Servername" in shown["smtp.host"]
    assert "gibt es nicht" in shown["clinic.logo"]
    assert {key: english_in(text) for key, text in shown.items()} == {
        "smtp.host": [], "clinic.logo": []}


def test_step_rules_and_a_busy_database_are_said_in_german(
        german: Any, qtbot: Any, window: Any, messages: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.db import engine
    from clinic_desktop.ui import patient as patient_module
    from clinic_desktop.ui.qt import QInputDialog

    open_patient(qtbot, window, PATIENT)  # the demo's step 5 "Aligner 5" is active
    settle(qtbot, window)
    view = window.patient
    today = window.context.clinic_today()
    pause_until = [today]  # not after today: refused
    monkeypatch.setattr(patient_module, "ask_date", lambda *_args: pause_until[0])
    button(view, "Pausieren …").click()
    qtbot.waitUntil(lambda: len(messages.errors) == 1, timeout=WAIT)

    view.steps_table.selectRow(4)  # the active step cannot be moved
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *_args: (1, True)))
    view.move()
    qtbot.waitUntil(lambda: len(messages.errors) == 2, timeout=WAIT)
    assert "endet nicht nach heute" in messages.errors[0]
    assert "hat schon begonnen" in messages.errors[1]

    # Another program holds the database's write lock longer than this PC waits for it.
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_MS", 1000)
    window.context.engine.dispose()  # new connections wait 1 s, not 15
    other = sqlite3.connect(sqlite_path(str(window.context.engine.url)), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        pause_until[0] = today + timedelta(days=7)
        button(view, "Pausieren …").click()
        qtbot.waitUntil(lambda: len(messages.errors) == 3, timeout=WAIT)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert messages.errors[2].startswith("Die Datenbank ist belegt")
    assert [m for m in messages.errors if english_in(m)] == []


def test_a_bad_patients_csv_is_said_line_by_line_in_german(
        german: Any, qtbot: Any, window: Any, messages: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui import patients as patients_module

    csv = tmp_path / "patients.csv"
    csv.write_text("code,first_name,last_name,email,phone,email_consent\n"
                   "P 1,Anna,Meier,,,no\n"  # a space in the code
                   "P9001,,,,12ab,yes\n"  # no name, a phone with letters, consent, no email
                   "P9002,Ben,Roth,,,vielleicht\n"
                   f"{PATIENT},Cora,Lang,,,no\n", encoding="utf-8")  # a code in use
    monkeypatch.setattr(patients_module.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_args: (str(csv), "")))
    window.patients.import_csv()
    qtbot.waitUntil(lambda: len(messages.errors) == 1, timeout=WAIT)
    said = messages.errors[0]
    assert "Zeile 2: Die Patientennummer 'P 1' muss aus" in said
    assert "Zeile 3: Ein Vor- oder Nachname ist nötig; die Einwilligung" in said
    assert "'vielleicht' muss ja oder nein" in said
    assert f"Die Patientennummer {PATIENT} hat schon" in said
    assert english_in(said) == []


def test_a_broken_email_template_is_said_in_german(
        german: Any, qtbot: Any, window: Any, messages: Any) -> None:
    from clinic_desktop.ui.qt import QTabWidget
    from clinic_desktop.ui.settings_view import TemplateEditor

    window.nav.setCurrentRow(5)
    editor = window.settings.findChild(TemplateEditor)
    window.settings.findChild(QTabWidget).setCurrentWidget(editor)
    qtbot.waitUntil(editor.isEnabled, timeout=WAIT)
    lines = editor.text.toPlainText().split("\n")
    editor.text.setPlainText("\n".join([*lines[:2], "{{ patinet.first_name }}", *lines[2:]]))
    button(editor, "Vorlage speichern").click()
    qtbot.waitUntil(lambda: messages.errors != [], timeout=WAIT)
    assert "Textteil, Zeile 3: 'patinet' ist in dieser E-Mail unbekannt" in messages.errors[0]
    assert english_in(messages.errors[0]) == []


def test_a_watched_folder_gone_is_said_in_german(
        german: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.photos.importer import PhotoImporter
    from clinic_desktop.photos.watch import FolderWatcher
    from clinic_desktop.scheduler import run_folder_watch
    from clinic_desktop.ui.tray import TrayNotifier

    share = tmp_path / "share"
    share.mkdir()
    context = window.context
    with write_session(context.sessions) as session:
        settings.set_value(session, "photos.watch_folders", str(share))
    share.rmdir()  # the share is gone
    watcher = FolderWatcher(context.sessions,
                            lambda: PhotoImporter.for_app(context, context.clinic_today()))
    event = run_folder_watch(context, watcher)
    tray = TrayNotifier(context, None)
    shown: list[str] = []
    monkeypatch.setattr(tray.icon, "showMessage", lambda _title, text, *_a: shown.append(text))
    try:
        tray.notify(event)
    finally:
        tray.icon.hide()
        tray.menu.deleteLater()
    assert shown == [f"Fotos: nichts Neues; Der überwachte Ordner {share} ist nicht "
                     "erreichbar."]
    assert english_in(shown[0]) == []


def test_a_rule_error_nobody_caught_is_said_in_german(
        german: Any, messages: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from clinic_desktop.errors import RuleError
    from clinic_desktop.ui.app import install_exception_hook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # given back after the test
    install_exception_hook(lambda: None)
    sys.excepthook(RuleError, RuleError("Step 3 'Aligner 3' is not paused."), None)
    assert messages.errors == ["Schritt 3 'Aligner 3' ist nicht pausiert."]
