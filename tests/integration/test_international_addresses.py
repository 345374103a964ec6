"""Addresses with non-English letters, sent to a real SMTP server with and without SMTPUTF8:
domains go in their ASCII (xn--) form, local parts need a server that offers SMTPUTF8."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from servers import configure_smtp
from sqlalchemy import select

from clinic_desktop import settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import DeliveryAttempt, Notification
from clinic_desktop.domain import due_scan
from clinic_desktop.notify import outbox
from clinic_desktop.notify.delivery import deliver_outbox, send_test_email
from clinic_desktop.notify.smtp import DeliveryError

TODAY = date(2026, 3, 10)
START = TODAY - timedelta(days=7)  # step 1 lasts 7 days, so it is finished today
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
NO_SMTPUTF8 = ("Not sent: the mail server does not accept addresses with non-English letters "
               "before the @ (SMTPUTF8), such as jürgen@example.de; ask the patient for "
               "another address.")


def use_server(app: Any, server: Any, **values: str) -> None:
    with write_session(app.sessions) as session:
        configure_smtp(session, server)
        for key, value in values.items():
            settings.set_value(session, key, value)


def queue_for(app: Any, enrol: Any, **emails: str) -> None:
    """One patient per code, with that address, whose step-finished email is queued."""
    with write_session(app.sessions) as session:
        for code, address in emails.items():
            enrol(session, code, [7, 7], START, email=address)
    assert due_scan.notify_finished_steps(app.sessions, TODAY).failed == 0


def rows(app: Any) -> dict[str, Notification]:
    with app.sessions() as session:
        return {row.recipient: row for row in session.scalars(select(Notification))}


def attempts(app: Any) -> list[tuple[str, int | None]]:
    with app.sessions() as session:
        return [(a.outcome, a.smtp_code) for a in session.scalars(
            select(DeliveryAttempt).order_by(DeliveryAttempt.id))]


@pytest.mark.parametrize("smtputf8", [False, True], ids=["plain-server", "smtputf8-server"])
def test_a_non_english_domain_goes_in_its_xn_form_to_any_server(
        app, enrol, smtp_server_factory, smtputf8) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none", smtputf8=smtputf8)
    use_server(app, server, **{"smtp.from": "empfang@zahnärzte-groß.de",
                               "smtp.reply_to": "antwort@zahnärzte-groß.de"})
    queue_for(app, enrol, P1="max@müller.de")

    report = deliver_outbox(app.sessions, now=lambda: NOW)

    assert report.sent == 1 and report.ok, (report.error, report.details)
    [envelope] = server.envelopes
    assert envelope.rcpt_tos == ["max@xn--mller-kva.de"]
    assert envelope.mail_from == "empfang@xn--zahnrzte-gro-w9a5d.de"
    assert not any("SMTPUTF8" in option.upper() for option in envelope.mail_options)
    [message] = server.messages
    assert [a.addr_spec for a in message["To"].addresses] == ["max@xn--mller-kva.de"]
    assert [a.addr_spec for a in message["From"].addresses] == [
        "empfang@xn--zahnrzte-gro-w9a5d.de"]
    assert [a.addr_spec for a in message["Reply-To"].addresses] == [
        "antwort@xn--zahnrzte-gro-w9a5d.de"]
    assert message["Message-ID"].isascii() and message["Message-ID"].endswith(
        "@xn--zahnrzte-gro-w9a5d.de>")
    row = rows(app)["max@müller.de"]
    assert (row.status, row.attempts) == ("sent", 1)


def test_non_english_letters_before_the_at_on_a_server_without_smtputf8_need_attention_at_once(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none", smtputf8=False)
    use_server(app, server)
    queue_for(app, enrol, P1="jürgen@example.de", P2="p2@example.org")

    report = deliver_outbox(app.sessions, now=lambda: NOW)

    assert (report.sent, report.retrying, report.failed) == (1, 0, 1)
    assert [a.addr_spec for m in server.messages for a in m["To"].addresses] == [
        "p2@example.org"]  # one address the server cannot take does not stop the rest
    row = rows(app)["jürgen@example.de"]
    assert (row.status, row.attempts, row.last_error) == ("needs_attention", 1, NO_SMTPUTF8)
    assert row.next_attempt_at is None
    assert ("needs_attention", None) in attempts(app)

    later = deliver_outbox(app.sessions, now=lambda: NOW + timedelta(days=1))

    assert (later.sent, later.retrying, later.failed) == (0, 0, 0)
    assert len(server.messages) == 1
    assert rows(app)["jürgen@example.de"].attempts == 1


def test_non_english_letters_before_the_at_arrive_with_smtputf8_where_the_server_offers_it(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none", smtputf8=True)
    use_server(app, server)
    queue_for(app, enrol, P1="jürgen@müller.de")

    report = deliver_outbox(app.sessions, now=lambda: NOW)

    assert report.sent == 1 and report.ok, (report.error, report.details)
    [envelope] = server.envelopes
    assert envelope.rcpt_tos == ["jürgen@xn--mller-kva.de"]
    assert "SMTPUTF8" in [option.upper() for option in envelope.mail_options]
    [message] = server.messages
    assert [a.addr_spec for a in message["To"].addresses] == ["jürgen@xn--mller-kva.de"]
    assert rows(app)["jürgen@müller.de"].status == "sent"


def test_a_non_english_reply_address_is_written_in_utf8_with_smtputf8(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none", smtputf8=True)
    use_server(app, server, **{"smtp.reply_to": "rückfragen@clinic.example.org"})
    queue_for(app, enrol, P1="p1@example.org")

    report = deliver_outbox(app.sessions, now=lambda: NOW)

    assert report.sent == 1 and report.ok, (report.error, report.details)
    [envelope] = server.envelopes
    assert "SMTPUTF8" in [option.upper() for option in envelope.mail_options]
    [message] = server.messages
    assert [a.addr_spec for a in message["Reply-To"].addresses] == [
        "rückfragen@clinic.example.org"]


def test_a_non_english_reply_address_on_a_server_without_smtputf8_stops_sending_and_names_it(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none", smtputf8=False)
    use_server(app, server, **{"smtp.reply_to": "rückfragen@clinic.example.org"})
    queue_for(app, enrol, P1="p1@example.org")

    report = deliver_outbox(app.sessions, now=lambda: NOW)

    assert report.sent == 0 and not report.ok
    assert "rückfragen@clinic.example.org (smtp.reply_to)" in report.error
    assert "SMTPUTF8" in report.error
    assert server.messages == []
    assert rows(app)["p1@example.org"].status == "queued"


def test_address_problem_knows_which_addresses_need_smtputf8() -> None:
    assert outbox.address_problem("max@müller.de", smtputf8=False) is None
    assert outbox.address_problem("jürgen@example.de") is None
    problem = outbox.address_problem("jürgen@example.de", smtputf8=False)
    assert problem is not None and "(SMTPUTF8)" in problem


def test_the_test_email_to_non_english_letters_before_the_at_says_what_the_server_lacks(
        app, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none", smtputf8=False)
    use_server(app, server)

    with pytest.raises(DeliveryError, match=r"non-English letters before the @ \(SMTPUTF8\)"):
        send_test_email(app.sessions, "jürgen@example.de")

    assert "Test email sent to max@müller.de" in send_test_email(app.sessions, "max@müller.de")
    [envelope] = server.envelopes
    assert envelope.rcpt_tos == ["max@xn--mller-kva.de"]
