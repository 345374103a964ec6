"""What mail servers and staff do to queued emails: a line that dies just after the server's
250, Microsoft 365 refusing password logins, and a patient who withdraws consent or changes
their address while their email waits. (421, 451 and 550 answers and a line that dies before
the 250 are in tests/integration/test_delivery.py.)"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from servers import SMTP_PASSWORD, SMTP_USER, configure_smtp
from sqlalchemy import select

from clinic_desktop import secrets
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import AuditEvent, DeliveryAttempt, Notification
from clinic_desktop.domain import due_scan
from clinic_desktop.domain.patients import PatientInput, get_patient, update_patient
from clinic_desktop.notify.delivery import deliver_outbox


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


def queue(app: Any, enrol: Any, server: Any, *codes: str, username: str = "") -> None:
    today = app.clinic_today()
    with write_session(app.sessions) as session:
        configure_smtp(session, server, username=username)
        for code in codes:
            enrol(session, code, [7, 7], today - timedelta(days=7))
    assert due_scan.notify_finished_steps(app.sessions, today).count(due_scan.QUEUED) == \
        len(codes)


def rows(app: Any) -> dict[str, Notification]:
    with app.sessions() as session:
        found = session.scalars(select(Notification).order_by(Notification.id)).all()
    return {n.recipient_name.split()[-1]: n for n in found}


def test_line_dropped_right_after_the_250_neither_loses_nor_doubles_an_email(
        app: Any, enrol: Any, smtp_server_factory: Any) -> None:
    server = smtp_server_factory()
    server.data_faults.append("drop-after-250")
    queue(app, enrol, server, "P1", "P2", "P3")
    clock = Clock()

    first = deliver_outbox(app.sessions, now=clock)
    # P1 was accepted; the next email found the line dead: reconnected, it is retried later.
    assert (first.sent, first.retrying, first.error) == (2, 1, ""), first
    clock.at += timedelta(hours=1)
    deliver_outbox(app.sessions, now=clock)

    sent = rows(app)
    assert {code: n.status for code, n in sent.items()} == {"P1": "sent", "P2": "sent",
                                                           "P3": "sent"}
    assert sent["P1"].attempts == 1
    assert Counter(m["Message-ID"] for m in server.messages) == {
        n.message_id: 1 for n in sent.values()}


@pytest.mark.parametrize("answer", [
    "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. "
    "[AM0PR02CA0001.eurprd02.prod.outlook.com]",
    "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
    "Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.",
])
def test_microsoft_365_with_smtp_auth_off_says_what_the_admin_must_switch_on(
        sqlite_app: Any, enrol: Any, smtp_server_factory: Any, file_keyring: Any,
        answer: str) -> None:
    server = smtp_server_factory("starttls", auth=True)
    server.login_refusal = answer
    secrets.set_smtp_password(SMTP_USER, SMTP_PASSWORD)  # the right one: it is not the cause
    queue(sqlite_app, enrol, server, "P1", username=SMTP_USER)

    report = deliver_outbox(sqlite_app.sessions)

    assert report.setup_error and report.sent == 0
    assert answer.split(" [")[0] in report.error  # the server's words, whole
    assert "The password is not the problem" in report.error
    assert "SMTP AUTH" in report.error and "administrator must switch on" in report.error
    assert "Check the password" not in report.error
    [row] = rows(sqlite_app).values()
    assert (row.status, row.attempts) == ("queued", 0)
    assert server.messages == []


def test_consent_withdrawn_or_address_changed_while_queued_is_honoured_at_send_time(
        app: Any, enrol: Any, smtp_server_factory: Any) -> None:
    server = smtp_server_factory()
    queue(app, enrol, server, "P1", "P2", "P3", "P4")
    with write_session(app.sessions) as session:
        for code, email, consent in (("P1", "p1@example.org", False),  # withdrew consent
                                     ("P2", "", False),  # address removed
                                     ("P3", "new.p3@example.org", True)):  # moved
            patient = get_patient(session, code)
            update_patient(session, patient, PatientInput(
                code, patient.first_name, patient.last_name, email, "", consent))

    report = deliver_outbox(app.sessions)

    assert report.sent == 2
    assert sorted(a.addr_spec for m in server.messages for a in m["To"].addresses) == [
        "new.p3@example.org", "p4@example.org"]
    held = rows(app)
    assert (held["P1"].status, held["P1"].last_error) == (
        "needs_attention", "Not sent: the patient has not agreed to receive emails (changed "
        "after the email was queued).")
    assert (held["P2"].status, held["P2"].last_error) == (
        "needs_attention", "Not sent: the patient has no email address (changed after the "
        "email was queued).")
    assert (held["P3"].status, held["P3"].recipient) == ("sent", "new.p3@example.org")
    with app.sessions() as session:
        assert session.scalars(select(DeliveryAttempt.notification_id)).all() == [
            held["P3"].id, held["P4"].id]
        noted = session.scalars(select(AuditEvent.entity_id).where(
            AuditEvent.action == "notification_needs_attention")).all()
    assert sorted(noted) == [held["P1"].id, held["P2"].id]
    assert deliver_outbox(app.sessions).sent == 0  # and they stay held
