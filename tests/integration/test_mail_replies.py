"""Patients answer the "photo required" email with their photos; bounces flag the address.

Against a real IMAP server with TLS (Dovecot, tests/imap_server.py) and the real SMTP test
server: the clinic's email goes out, the patient's answer arrives in the mailbox, and
`clinic-desktop mail poll --once` (or two PCs polling at once) reads it.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from imap_server import MailboxUser, configure_imap, imap_server, mailbox  # noqa: F401
from servers import PhotoFiles, configure_smtp
from sqlalchemy import func, select

from clinic_desktop import clock, secrets
from clinic_desktop.app import open_app
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import InboxItem, MailMessage, Notification, Patient, Photo
from clinic_desktop.db.models import TreatmentStep as Step
from clinic_desktop.domain.daily_check import daily_check
from clinic_desktop.mail import poll
from clinic_desktop.mail.imap import Mailbox, MailboxError
from clinic_desktop.notify import outbox
from clinic_desktop.notify.delivery import deliver_outbox

PROCESSED = "Clinic Desktop processed"
# What does not depend on the database runs on SQLite only: reading files out of an email,
# and a restart or crash of one PC. Two PCs at once, the import and a bounce run on both.
ONE_DATABASE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def clinic(app: Any, enrol: Any, smtp_server_factory: Any, mailbox: MailboxUser,  # noqa: F811
           file_keyring: Any) -> Any:
    """P1's first step (14 days) ended six days ago; the clinic mails and reads its mailbox."""
    server = smtp_server_factory("starttls")
    today = app.clinic_today()
    with write_session(app.sessions) as session:
        enrol(session, "P1", [14, 14, 14], today - timedelta(days=20))
        configure_smtp(session, server)
        configure_imap(session, mailbox)
    secrets.set_mail_password(secrets.IMAP, mailbox.user, mailbox.password)
    app.smtp = server
    return app


def photo_required_email(app: Any) -> EmailMessage:
    """The daily check asks P1 for a photo; the email as the patient receives it."""
    daily_check(app.sessions, app.clinic_today())
    report = deliver_outbox(app.sessions)
    assert report.sent == 1, report
    return app.smtp.messages[-1]


def reply(to: EmailMessage | None, *, sender: str = "p1@example.org",
          files: list[tuple[Path | bytes, str, str]] = (), text: str = "Here you are") \
        -> EmailMessage:
    """What a mail program sends when the patient presses Reply and attaches files
    (path or bytes, MIME type, file name)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "reply@clinic.example.org"
    message["Subject"] = "Re: " + (to["Subject"] if to is not None else "my photos")
    message["Date"] = format_datetime(clock.now_utc())
    message["Message-ID"] = make_msgid(domain="example.org")
    if to is not None:
        message["In-Reply-To"] = to["Message-ID"]
        message["References"] = to["Message-ID"]
    message.set_content(text)
    for data, kind, name in files:
        maintype, subtype = kind.split("/")
        message.add_attachment(data if isinstance(data, bytes) else data.read_bytes(),
                               maintype=maintype, subtype=subtype, filename=name)
    return message


def camera_photo(files: PhotoFiles, name: str, kind: str = "JPEG") -> Path:
    """A photo as a phone takes it: big and sharp enough for the quality gate, and new
    (its own SHA-256) on every call."""
    from PIL import ImageDraw

    image = files.picture((1040, 780))
    draw = ImageDraw.Draw(image)
    for x in range(0, 1040, 40):
        for y in range(0, 780, 40):
            if (x + y) // 40 % 2:
                draw.rectangle((x, y, x + 19, y + 19), fill=(30, 30, 30))
    return files.save(image, name, kind)


def steps(app: Any) -> list[tuple[int, bool, bool]]:
    with app.sessions() as session:
        return [(s.order, s.is_active, s.is_completed) for s in session.scalars(
            select(Step).order_by(Step.order))]


def photos(app: Any) -> list[Photo]:
    with app.sessions() as session:
        return list(session.scalars(select(Photo).order_by(Photo.id)))


def test_a_reply_with_three_photos_completes_the_step_and_starts_the_next(
        clinic: Any, mailbox: MailboxUser, photo_files: PhotoFiles,  # noqa: F811
        run: Any) -> None:
    asked = photo_required_email(clinic)
    mailbox.deliver(reply(asked, files=[
        (camera_photo(photo_files, f"{view}.jpg"), "image/jpeg", f"{view}.jpg")
        for view in ("front", "left", "right")]))

    code, out, err = run("mail", "poll", "--once")

    assert (code, err) == (0, ""), out
    assert "1 email(s) read: 1 with photos imported" in out
    assert steps(clinic) == [(1, False, True), (2, True, False), (3, False, False)]
    received = photos(clinic)
    assert [p.original_name for p in received] == ["front.jpg", "left.jpg", "right.jpg"]
    # One visit: all three belong to the step they completed, and came by this email.
    with clinic.sessions() as session:
        first = session.scalar(select(Step.id).where(Step.order == 1))
        row = session.scalar(select(MailMessage))
        started = session.scalar(select(Notification).where(
            Notification.kind == outbox.KIND_STEP_STARTED))
    assert {p.step_id for p in received} == {first}
    assert {p.mail_message_id for p in received} == {row.id}
    assert row.outcome == poll.PHOTOS and row.patient_id is not None
    assert started is not None and "Thank you for your photo" in started.body_text
    # Read mail is flagged and moved, never deleted; the folder read is empty.
    assert mailbox.folder("INBOX") == []
    [(flags, body)] = mailbox.folder(PROCESSED)
    assert b"\\Seen" in flags and b"front.jpg" in body
    # The message and its files were kept in the data folder before anything was imported.
    kept = poll.incoming_dir(clinic.paths.data_dir)
    assert sorted(p.name for p in kept.rglob("*") if p.is_file()) == \
        ["front.jpg", "left.jpg", "message.eml", "right.jpg"]


@ONE_DATABASE
def test_an_iphone_heic_photo_is_imported(clinic: Any, mailbox: MailboxUser,  # noqa: F811
                                          photo_files: PhotoFiles) -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    heic = camera_photo(photo_files, "IMG_0001.HEIC", "HEIF")
    mailbox.deliver(reply(photo_required_email(clinic), files=[
        (heic, "image/heic", "IMG_0001.HEIC")]))

    report = poll.poll_once(clinic)

    assert report is not None and report.ok, report
    [photo] = photos(clinic)
    assert (photo.original_name, photo.image_format) == ("IMG_0001.HEIC", "HEIF")
    assert steps(clinic)[0] == (1, False, True)


@ONE_DATABASE
def test_a_photo_inside_a_forwarded_message_is_imported(
        clinic: Any, mailbox: MailboxUser, photo_files: PhotoFiles) -> None:  # noqa: F811
    forwarded = reply(None, sender="p1@example.org", files=[
        (camera_photo(photo_files, "smile.jpg"), "image/jpeg", "smile.jpg")])
    answer = reply(photo_required_email(clinic), text="Forwarding the photo my son took")
    answer.add_attachment(forwarded)  # message/rfc822, as "Forward as attachment" does
    mailbox.deliver(answer)

    report = poll.poll_once(clinic)

    assert report is not None and [h.outcome for h in report.handled] == [poll.PHOTOS]
    assert [p.original_name for p in photos(clinic)] == ["smile.jpg"]
    assert steps(clinic)[1] == (2, True, False)


@ONE_DATABASE
def test_a_reply_from_an_unknown_address_waits_in_the_inbox_with_its_photo(
        clinic: Any, mailbox: MailboxUser, photo_files: PhotoFiles,  # noqa: F811
        run: Any) -> None:
    photo_required_email(clinic)
    mailbox.deliver(reply(None, sender="someone@elsewhere.example", files=[
        (camera_photo(photo_files, "teeth.jpg"), "image/png", "teeth.png")]))

    code, out, _err = run("mail", "poll", "--once")

    assert code == 0, out
    with clinic.sessions() as session:
        [item] = session.scalars(select(InboxItem))
    assert item.status == "unmatched" and item.library_path
    assert item.reason.startswith("a reply we cannot match (from someone@elsewhere.example")
    assert photos(clinic) == []
    assert steps(clinic)[0] == (1, True, False)  # nothing changed for P1
    assert len(mailbox.folder(PROCESSED)) == 1


@ONE_DATABASE
def test_a_reply_to_an_email_sent_before_a_restart_is_matched_by_its_message_id(
        clinic: Any, mailbox: MailboxUser, photo_files: PhotoFiles,  # noqa: F811
        db_url: str, tmp_path: Path) -> None:
    asked = photo_required_email(clinic)
    clinic.close()  # the PC is restarted; the patient answers from another address
    mailbox.deliver(reply(asked, sender="mum.of.p1@example.net", files=[
        (camera_photo(photo_files, "front.jpg"), "image/jpeg", "front.jpg")]))
    again = open_app(tmp_path / "data", db_url, log_to_file=False)
    try:
        report = poll.poll_once(again)
        assert report is not None and [h.outcome for h in report.handled] == [poll.PHOTOS]
        assert steps(again)[0] == (1, False, True)
        assert [p.original_name for p in photos(again)] == ["front.jpg"]
    finally:
        again.close()


@ONE_DATABASE
def test_a_mail_with_only_a_pdf_goes_to_the_inbox_and_changes_nothing(
        clinic: Any, mailbox: MailboxUser) -> None:  # noqa: F811
    mailbox.deliver(reply(photo_required_email(clinic), files=[
        (b"%PDF-1.4 referral letter", "application/pdf", "referral.pdf")]))

    report = poll.poll_once(clinic)

    assert report is not None and [h.outcome for h in report.handled] == [poll.NO_PHOTOS]
    with clinic.sessions() as session:
        [item] = session.scalars(select(InboxItem))
    assert item.status == "refused" and item.original_name == "referral.pdf"
    assert item.reason == "not a photo (application/pdf) in an email from p1@example.org"
    assert Path(item.source_path).read_bytes() == b"%PDF-1.4 referral letter"
    assert photos(clinic) == [] and steps(clinic)[0] == (1, True, False)


def dsn(about: EmailMessage) -> bytes:
    """An RFC 3464 delivery status notification, as Postfix writes one: the reason for
    people, the status for programs, and the headers of the email that was lost."""
    recipient = about["To"].addresses[0].addr_spec
    lost = "".join(f"{name}: {about[name]}\r\n" for name in ("From", "To", "Subject",
                                                              "Message-ID"))
    return (
        "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\n"
        "To: reception@clinic.example.org\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {make_msgid(domain='mx.example.org')}\r\n"
        f"Date: {format_datetime(clock.now_utc())}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
        "I'm sorry to have to inform you that your message could not be delivered.\r\n"
        "\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: "
        "User unknown\r\n"
        "\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"{lost}\r\n--B--\r\n").encode()


def test_a_dsn_bounce_marks_the_email_and_holds_every_later_email_to_the_address(
        clinic: Any, mailbox: MailboxUser, photo_files: PhotoFiles, run: Any) -> None:  # noqa: F811
    asked = photo_required_email(clinic)
    mailbox.deliver(dsn(asked))

    code, out, _err = run("mail", "poll", "--once")

    assert code == 0, out
    with clinic.sessions() as session:
        email = session.scalar(select(Notification).where(
            Notification.kind == outbox.KIND_STEP_FINISHED))
        patient = session.scalar(select(Patient))
    assert email.status == outbox.STATUS_BOUNCED
    assert "User unknown" in email.last_error
    assert patient.is_bouncing and "550 5.1.1" in patient.bounce_reason
    # A photo brought in by staff starts the next step: its email is held, not sent.
    from clinic_desktop.photos.importer import PhotoImporter

    PhotoImporter.for_app(clinic, clinic.clinic_today()).import_file(
        camera_photo(photo_files, "front.jpg"), patient_code="P1")
    deliver_outbox(clinic.sessions)
    with clinic.sessions() as session:
        started = session.scalar(select(Notification).where(
            Notification.kind == outbox.KIND_STEP_STARTED))
    assert started.status == outbox.STATUS_NEEDS_ATTENTION
    assert "came back undeliverable" in started.last_error
    assert len(clinic.smtp.messages) == 1  # only the email that bounced ever went out
    # Staff confirm the address: the flag is gone and emails go to it again.
    from clinic_desktop.domain.bounces import confirm_address

    with write_session(clinic.sessions) as session:
        confirm_address(session, "P1")
    with clinic.sessions() as session:
        assert not session.scalar(select(Patient)).is_bouncing


def test_the_same_mail_seen_by_two_pcs_is_imported_once(
        clinic: Any, mailbox: MailboxUser, photo_files: PhotoFiles,  # noqa: F811
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mailbox.deliver(reply(photo_required_email(clinic), files=[
        (camera_photo(photo_files, f"{view}.jpg"), "image/jpeg", f"{view}.jpg")
        for view in ("front", "left")]))
    other_pc = open_app(tmp_path / "data", db_url, log_to_file=False)
    reports: list[poll.PollReport] = []
    try:
        # Both PCs read the same message at the same moment (the lease aside: the claim per
        # message decides).
        both = [threading.Thread(target=lambda a=a, h=h: reports.append(
            poll.poll_mailbox(a, holder=h))) for a, h in ((clinic, "PC-A:1"),
                                                          (other_pc, "PC-B:2"))]
        for thread in both:
            thread.start()
        for thread in both:
            thread.join(60)
        assert sorted(len(r.handled) for r in reports) == [0, 1], reports
        assert len(photos(clinic)) == 2 and steps(clinic)[1] == (2, True, False)
        with clinic.sessions() as session:
            assert session.scalar(select(func.count()).select_from(MailMessage)) == 1
        assert len(mailbox.folder(PROCESSED)) == 1
    finally:
        other_pc.close()


@ONE_DATABASE
def test_a_crash_between_the_import_and_the_move_does_not_import_twice(
        clinic: Any, mailbox: MailboxUser, photo_files: PhotoFiles,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    mailbox.deliver(reply(photo_required_email(clinic), files=[
        (camera_photo(photo_files, "front.jpg"), "image/jpeg", "front.jpg")]))

    def power_cut(self: Mailbox, uid: int) -> None:
        raise MailboxError("the PC was switched off")

    with monkeypatch.context() as patched:
        patched.setattr(Mailbox, "finish", power_cut)
        first = poll.poll_once(clinic)
    assert first is not None and first.error == "the PC was switched off"
    assert len(mailbox.folder("INBOX")) == 1  # not moved

    second = poll.poll_once(clinic)

    assert second is not None and (second.handled, second.moved) == ([], 1)
    assert len(photos(clinic)) == 1
    assert steps(clinic) == [(1, False, True), (2, True, False), (3, False, False)]
    assert mailbox.folder("INBOX") == [] and len(mailbox.folder(PROCESSED)) == 1


@ONE_DATABASE
def test_a_message_that_cannot_be_read_is_kept_and_the_next_one_is_still_imported(
        clinic: Any, mailbox: MailboxUser, photo_files: PhotoFiles,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked = photo_required_email(clinic)
    mailbox.deliver(reply(asked, text="broken"))
    mailbox.deliver(reply(asked, files=[
        (camera_photo(photo_files, "front.jpg"), "image/jpeg", "front.jpg")]))
    real = poll.read_mail

    def reader_that_chokes(raw: bytes) -> Any:
        if b"broken" in raw:
            raise UnicodeError("a header no parser understands")
        return real(raw)

    monkeypatch.setattr(poll, "read_mail", reader_that_chokes)
    report = poll.poll_once(clinic)

    assert report is not None and [h.outcome for h in report.handled] == \
        [poll.NO_PHOTOS, poll.PHOTOS]
    with clinic.sessions() as session:
        [item] = session.scalars(select(InboxItem))
    assert item.reason == ("an email that could not be read (UnicodeError: a header no parser "
                           "understands); it is kept as it came")
    assert b"broken" in Path(item.source_path).read_bytes()
    assert steps(clinic)[1] == (2, True, False)
    assert mailbox.folder("INBOX") == [] and len(mailbox.folder(PROCESSED)) == 2


@ONE_DATABASE
def test_only_the_sending_pc_reads_the_mailbox(clinic: Any, mailbox: MailboxUser,  # noqa: F811
                                               photo_files: PhotoFiles, run: Any) -> None:
    from clinic_desktop import lease

    mailbox.deliver(reply(photo_required_email(clinic), files=[
        (camera_photo(photo_files, "front.jpg"), "image/jpeg", "front.jpg")]))
    assert lease.acquire(clinic.sessions, "RECEPTION-1:4242")

    code, out, _err = run("mail", "poll", "--once")

    assert (code, out) == (0, "The PC RECEPTION-1:4242 reads the mailbox right now; nothing "
                              "was read here.\n")
    assert photos(clinic) == [] and len(mailbox.folder("INBOX")) == 1
