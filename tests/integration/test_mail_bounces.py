"""Bounces as Microsoft 365 and Gmail write them (prose, not RFC 3464) are matched to the
email they report, through the real mailbox; a delay report changes nothing."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import pytest
from imap_server import MailboxUser, imap_server, mailbox  # noqa: F401
from sqlalchemy import select
from test_mail_replies import clinic, photo_required_email  # noqa: F401

from clinic_desktop import clock
from clinic_desktop.db.models import Notification, Patient
from clinic_desktop.mail import poll
from clinic_desktop.notify import outbox

ONE_DATABASE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def microsoft_ndr(lost: EmailMessage) -> EmailMessage:
    """Exchange Online's "Undeliverable:" report: the reason in words, the lost email
    attached."""
    report = EmailMessage()
    report["From"] = "Microsoft Outlook <postmaster@clinic.example.org>"
    report["To"] = "reception@clinic.example.org"
    report["Subject"] = f"Undeliverable: {lost['Subject']}"
    report["Date"] = format_datetime(clock.now_utc())
    report["Message-ID"] = make_msgid(domain="outlook.example")
    report.set_content(
        "Your message to p1@example.org couldn't be delivered.\n"
        "p1 wasn't found at example.org.\n\n"
        "Diagnostic information for administrators:\n"
        "Generating server: AM0PR01MB1234.eurprd01.prod.exchangelabs.com\n"
        "p1@example.org\n"
        "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient "
        "p1@example.org not found by SMTP address lookup'\n")
    report.add_attachment(lost)
    return report


def gmail_bounce(lost: EmailMessage) -> EmailMessage:
    """Gmail's "Delivery Status Notification (Failure)": the original headers quoted below
    the explanation."""
    report = EmailMessage()
    report["From"] = "Mail Delivery Subsystem <mailer-daemon@googlemail.com>"
    report["To"] = "reception@clinic.example.org"
    report["Subject"] = "Delivery Status Notification (Failure)"
    report["Date"] = format_datetime(clock.now_utc())
    report["Message-ID"] = make_msgid(domain="mx.google.example")
    report.set_content(
        "** Address not found **\n\n"
        "Your message wasn't delivered to p1@example.org because the address couldn't be "
        "found, or is unable to receive mail.\n\n"
        "The response from the remote server was:\n"
        "550 5.1.1 The email account that you tried to reach does not exist.\n\n"
        "----- Original message -----\n\n"
        f"Message-ID: {lost['Message-ID']}\nSubject: {lost['Subject']}\n"
        f"To: {lost['To']}\n")
    return report


@ONE_DATABASE
@pytest.mark.parametrize(("write", "said"), [
    (microsoft_ndr, "550 5.1.10 RESOLVER.ADR.RecipientNotFound"),
    (gmail_bounce, "550 5.1.1 The email account that you tried to reach does not exist."),
])
def test_a_human_readable_bounce_flags_the_address(clinic: Any, mailbox: MailboxUser,  # noqa: F811
                                                   write: Any, said: str) -> None:
    mailbox.deliver(write(photo_required_email(clinic)))

    report = poll.poll_once(clinic)

    assert report is not None and [h.outcome for h in report.handled] == [poll.BOUNCE]
    with clinic.sessions() as session:
        email = session.scalar(select(Notification))
        patient = session.scalar(select(Patient))
    assert email.status == outbox.STATUS_BOUNCED and said in email.last_error
    assert patient.is_bouncing and said in patient.bounce_reason


@ONE_DATABASE
def test_a_delay_report_changes_nothing(clinic: Any, mailbox: MailboxUser) -> None:  # noqa: F811
    lost = photo_required_email(clinic)
    delayed = gmail_bounce(lost)
    del delayed["Subject"]
    delayed["Subject"] = "Delivery Status Notification (Delay)"
    delayed.set_content(
        "Message not delivered yet\n\nThe recipient server did not accept our requests to "
        "connect. Gmail will keep trying for 45 more hours.\n\n"
        "The response from the remote server was:\n"
        "421 4.4.0 Temporary failure, try again later\n\n"
        f"----- Original message -----\nMessage-ID: {lost['Message-ID']}\n")

    mailbox.deliver(delayed)
    report = poll.poll_once(clinic)

    assert report is not None and [h.outcome for h in report.handled] == [poll.DELAYED]
    with clinic.sessions() as session:
        assert session.scalar(select(Notification)).status == outbox.STATUS_SENT
        assert not session.scalar(select(Patient)).is_bouncing
