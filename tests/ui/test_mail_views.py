"""What staff see of patients' emails: Today's "Photos received by email" and "Addresses that
bounce", the patient page's bounce bar with Confirm address, the ✉ on an emailed photo —
in English and German."""

from __future__ import annotations

from typing import Any

from imap_server import imap_server, mailbox  # noqa: F401
from sqlalchemy import select

from clinic_desktop import clock
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import MailMessage, Patient, Photo
from clinic_desktop.photos.importer import PhotoImporter
from clinic_desktop.ui.qt import QPushButton

WAIT = 10_000
BOUNCING, EMAILED = "P00005", "P00006"
REASON = "550 5.1.1 User unknown"


def texts(items: Any) -> list[str]:
    return [items.item(i).text() for i in range(items.count())]


def prepare(context: Any, photo_files: Any) -> None:
    """One patient whose address bounced; another whose photo came by email today."""
    outcome = PhotoImporter.for_app(context, context.clinic_today()).import_file(
        photo_files.jpeg("front.jpg", size=(1200, 900)), patient_code=EMAILED)
    assert outcome.photo_id is not None, outcome
    with write_session(context.sessions) as session:
        patient = session.scalar(select(Patient).where(Patient.code == BOUNCING))
        patient.bounced_email, patient.bounce_reason = patient.email, REASON
        patient.bounced_at = clock.now_utc()
        message = MailMessage(mailbox="replies@example.org/INBOX", uidvalidity=1, uid=1,
                              status="done", moved=True, outcome="photos",
                              handled_at=clock.now_utc())
        session.add(message)
        session.flush()
        session.get(Photo, outcome.photo_id).mail_message_id = message.id


def test_today_and_the_patient_page_show_a_bounce_until_staff_confirm_the_address(
        language: str, qtbot: Any, window: Any, context: Any, photo_files: Any,
        messages: Any) -> None:
    prepare(context, photo_files)
    window.refresh_today()
    bounced = window.today.boxes["bouncing_addresses"][1]
    emailed = window.today.boxes["photos_by_email"][1]
    qtbot.waitUntil(lambda: any(t.startswith(BOUNCING) for t in texts(bounced)), timeout=WAIT)
    [line] = [t for t in texts(bounced) if t.startswith(BOUNCING)]
    assert REASON in line
    [received] = [t for t in texts(emailed) if t.startswith(EMAILED)]
    assert ("1 photo received" if language == "en" else "1 Foto erhalten") in received

    window.open_patient(EMAILED)
    qtbot.waitUntil(lambda: len(window.patient.photos.items()) == 1, timeout=WAIT)
    assert "✉" in window.patient.photos.items()[0].text()
    assert window.patient.bounce_bar.isHidden()

    window.open_patient(BOUNCING)
    qtbot.waitUntil(lambda: window.patient.bounce_bar.isVisible(), timeout=WAIT)
    assert REASON in window.patient.bounce_text.text()
    confirm_button = window.patient.bounce_bar.findChildren(QPushButton)[1]
    assert confirm_button.text().replace("&", "") == (
        "Confirm address" if language == "en" else "Adresse bestätigen")
    confirm_button.click()
    qtbot.waitUntil(lambda: window.patient.bounce_bar.isHidden(), timeout=WAIT)
    assert messages.infos
    with context.sessions() as session:
        assert not session.scalar(select(Patient).where(Patient.code == BOUNCING)).is_bouncing
    window.refresh_today()
    qtbot.waitUntil(lambda: not any(t.startswith(BOUNCING) for t in texts(bounced)),
                    timeout=WAIT)


def test_staff_set_up_the_mailbox_in_settings_and_test_it(
        qtbot: Any, window: Any, messages: Any, file_keyring: Any,
        mailbox: Any) -> None:  # noqa: F811
    """As a receptionist would: the mailbox's fields and password in Settings, then Test the
    mailbox (the real IMAP server, tests/imap_server.py)."""
    from clinic_desktop import secrets
    from clinic_desktop.ui.qt import QComboBox

    window.nav.setCurrentRow(5)
    view = window.settings
    qtbot.waitUntil(lambda: view.fields["smtp.port"].value() == 587, timeout=WAIT)
    qtbot.waitUntil(lambda: view.tasks.pending() == 0, timeout=WAIT)
    server = mailbox.server
    view.fields["imap.host"].setText("localhost")
    view.fields["imap.port"].setValue(server.tls_port)
    security: QComboBox = view.fields["imap.security"]
    assert [security.itemText(i) for i in range(security.count())] == [
        "TLS from the start (usually port 993)", "STARTTLS (usually port 143)"]
    view.fields["imap.username"].setText(mailbox.user)
    view.fields["smtp.ca_file"].setText(str(server.ca_file))
    view.imap_password.setText(mailbox.password)

    [test] = [b for b in view.findChildren(QPushButton)
              if b.text().replace("&", "") == "Test the mailbox"]
    test.click()

    qtbot.waitUntil(lambda: bool(messages.infos) or bool(messages.errors), timeout=WAIT)
    assert messages.errors == []
    assert messages.infos == [f"Connected to localhost:{server.tls_port} (TLS), logged in as "
                              f"{mailbox.user}; the folder 'INBOX' holds 0 message(s) to read."]
    assert secrets.get_mail_password(secrets.IMAP, mailbox.user) == mailbox.password
    assert view.imap_password.text() == ""  # never shown again
