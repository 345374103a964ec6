"""Email delivery end to end: a real SMTP server (plain, STARTTLS, TLS, AUTH, faults), the real
keyring file backend, real sender processes, and what staff and patients would notice."""

from __future__ import annotations

import argparse
import base64
import io
import json
import logging
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from servers import SMTP_PASSWORD, SMTP_USER, configure_smtp
from sqlalchemy import MetaData, select, update

from clinic_desktop import secrets, settings
from clinic_desktop.cli import build_parser, main
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import (
    AuditEvent,
    DeliveryAttempt,
    Notification,
    Patient,
    Setting,
    TreatmentStep,
)
from clinic_desktop.domain import due_scan
from clinic_desktop.domain.patients import PatientInput, add_patient
from clinic_desktop.domain.plans import StepSpec, apply_plan, create_template
from clinic_desktop.errors import ConfigError
from clinic_desktop.notify.delivery import deliver_outbox, send_test_email
from clinic_desktop.notify.smtp import DeliveryError

TODAY = date(2026, 3, 10)
START = TODAY - timedelta(days=7)  # step 1 lasts 7 days, so it is finished today
SEED_SUBJECT = "📸 Treatment Step 'Step 1' Completed - Photo Required"


class Clock:
    """An injectable `now` that only moves when the test says so."""

    def __init__(self, at: datetime = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kwargs: float) -> None:
        self.at += timedelta(**kwargs)


# --- helpers -----------------------------------------------------------------------------------


def use_server(app: Any, server: Any, **kwargs: Any) -> None:
    with write_session(app.sessions) as session:
        configure_smtp(session, server, **kwargs)


def set_settings(app: Any, **values: str) -> None:
    with write_session(app.sessions) as session:
        for key, value in values.items():
            settings.set_value(session, key.replace("__", "."), value)


def queue_finished_steps(app: Any, enrol: Any, *codes: str, email: str | None = "") -> None:
    """Patients whose step 1 is finished today, and the due scan that only queues emails."""
    with write_session(app.sessions) as session:
        for code in codes:
            enrol(session, code, [7, 7], START, email=email)
    report = due_scan.notify_finished_steps(app.sessions, TODAY)
    assert report.failed == 0


def outbox_rows(app: Any) -> list[Notification]:
    with app.sessions() as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def the_row(app: Any) -> Notification:
    [row] = outbox_rows(app)
    return row


def attempts_of(app: Any, notification_id: int) -> list[DeliveryAttempt]:
    with app.sessions() as session:
        return list(session.scalars(select(DeliveryAttempt).where(
            DeliveryAttempt.notification_id == notification_id).order_by(DeliveryAttempt.id)))


def all_attempts(app: Any) -> list[DeliveryAttempt]:
    with app.sessions() as session:
        return list(session.scalars(select(DeliveryAttempt)))


def store_password(password: str) -> None:
    secrets.set_smtp_password(SMTP_USER, password)


@pytest.fixture
def cli(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `clinic-desktop` in-process on this test's database and data folder (it logs to
    <data>/logs); returns (exit code, stdout, stderr). Each command's database is closed."""
    from clinic_desktop import app as app_module

    opened: list[Any] = []
    real_open = app_module.open_app

    def tracking_open(*args: Any, **kwargs: Any) -> Any:
        context = real_open(*args, **kwargs)
        opened.append(context)
        return context

    monkeypatch.setattr(app_module, "open_app", tracking_open)

    def _run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            code = main(["--data-dir", str(tmp_path / "data"), "--db", db_url, *args])
        finally:
            while opened:
                opened.pop().close()
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield _run
    # main() set up logging to this test's captured stderr and data folder: take it down.
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_clinic_desktop", False)]:
        root.removeHandler(handler)
        handler.close()


# --- 1. plain SMTP to a relay on this PC ---------------------------------------------------------


def test_finished_step_email_arrives_once_with_seed_subject_and_proper_headers(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    use_server(app, server)
    queue_finished_steps(app, enrol, "P1")
    clock = Clock()

    report = deliver_outbox(app.sessions, now=clock)

    assert report.sent == 1 and report.ok, report.error
    [message] = server.messages
    row = the_row(app)
    assert message["Subject"] == SEED_SUBJECT
    assert row.status == "sent" and row.attempts == 1 and row.sent_at == clock()
    assert row.message_id and message["Message-ID"] == row.message_id
    assert parsedate_to_datetime(message["Date"]) == clock()
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Test Clinic",
                                                       "reception@clinic.example.org")
    assert [a.addr_spec for a in message["Reply-To"].addresses] == ["reply@clinic.example.org"]
    assert message["Auto-Submitted"] == "auto-generated"
    [recipient] = message["To"].addresses
    assert (recipient.display_name, recipient.addr_spec) == ("Test P1", "p1@example.org")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "You have completed step 1 of 2: Step 1." in text
    assert "completed step 1 of 2: Step 1." in html and "<p" in html

    again = deliver_outbox(app.sessions, now=clock)

    assert again.sent == 0 and again.ok
    assert len(server.messages) == 1
    assert [a.outcome for a in attempts_of(app, row.id)] == ["sent"]


# --- 2-5. encryption, login, settings ---------------------------------------------------------


def test_starttls_trusting_the_clinic_ca_and_login_from_keyring_delivers(
        app, enrol, smtp_server_factory, file_keyring) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("starttls", auth=True)
    use_server(app, server, username=SMTP_USER)
    store_password(SMTP_PASSWORD)
    queue_finished_steps(app, enrol, "P1")

    report = deliver_outbox(app.sessions)

    assert report.sent == 1 and report.ok, report.error
    assert server.subjects == [SEED_SUBJECT]
    assert server.logins == [("PLAIN", True)]
    assert the_row(app).status == "sent"


def test_starttls_without_clinic_ca_is_refused_as_untrusted_and_email_stays_queued(
        app, enrol, smtp_server_factory, file_keyring) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("starttls", auth=True)
    use_server(app, server, username=SMTP_USER)
    set_settings(app, smtp__ca_file="")
    store_password(SMTP_PASSWORD)
    queue_finished_steps(app, enrol, "P1")

    report = deliver_outbox(app.sessions)

    assert report.sent == 0 and not report.ok
    assert "is not trusted" in report.error and "smtp.ca_file" in report.error
    with pytest.raises(DeliveryError, match=r"certificate of the mail server .* is not trusted"):
        send_test_email(app.sessions, "someone@example.org")
    row = the_row(app)
    assert (row.status, row.attempts, row.last_error) == ("queued", 0, "")
    assert all_attempts(app) == []
    assert server.messages == [] and server.logins == []  # the password never left this PC


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_implicit_tls_with_auth_delivers(app, enrol, smtp_server_factory, file_keyring,
                                         mechanism: str) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("tls", auth=True)
    assert server.controller is not None
    if mechanism == "LOGIN":
        # smtplib prefers PLAIN when both are offered: this server offers only AUTH LOGIN.
        server.controller.SMTP_kwargs["auth_exclude_mechanism"] = ["PLAIN"]
    use_server(app, server, username=SMTP_USER)
    store_password(SMTP_PASSWORD)
    queue_finished_steps(app, enrol, "P1")

    report = deliver_outbox(app.sessions)

    assert report.sent == 1 and report.ok, report.error
    assert server.subjects == [SEED_SUBJECT]
    assert server.logins == [(mechanism, True)]


def test_wrong_password_names_the_login_problem_and_keeps_email_queued(
        app, enrol, smtp_server_factory, file_keyring) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("starttls", auth=True)
    use_server(app, server, username=SMTP_USER)
    store_password("not the password")
    queue_finished_steps(app, enrol, "P1")

    report = deliver_outbox(app.sessions)

    assert report.sent == 0 and not report.ok
    assert "rejected the login" in report.error and "app password" in report.error
    with pytest.raises(DeliveryError, match="rejected the login"):
        send_test_email(app.sessions, None)
    row = the_row(app)
    assert (row.status, row.attempts) == ("queued", 0)
    assert all_attempts(app) == []
    assert server.messages == []
    assert server.logins and not any(ok for _, ok in server.logins)  # PLAIN, then LOGIN


def test_unencrypted_smtp_to_a_host_other_than_this_pc_is_refused(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    set_settings(sqlite_app, smtp__port="25", smtp__from="reception@clinic.example.org")
    # `settings set` refuses this pair; it can still be in a database written before that
    # check existed, so sending checks it again.
    with write_session(sqlite_app.sessions) as session:
        session.add_all([Setting(key="smtp.host", value="mail.example.org"),
                         Setting(key="smtp.security", value="none")])

    with pytest.raises(ConfigError, match=r"unencrypted to mail\.example\.org"):
        deliver_outbox(sqlite_app.sessions)
    with pytest.raises(ConfigError, match="only allowed for a relay on this PC"):
        send_test_email(sqlite_app.sessions, "someone@example.org")


# --- 6-7. what the server answers -------------------------------------------------------------


def test_temporary_refusals_are_retried_later_and_delivered_exactly_once(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    server.data_faults += ["421 4.7.0 too busy, come back later", "451 4.3.0 try later"]
    use_server(app, server)
    queue_finished_steps(app, enrol, "P1")
    clock = Clock()

    first = deliver_outbox(app.sessions, now=clock)
    row = the_row(app)
    assert (first.sent, first.retrying) == (0, 1)
    assert (row.status, row.attempts) == ("queued", 1)
    assert "421 4.7.0 too busy" in row.last_error
    assert row.next_attempt_at is not None and row.next_attempt_at > clock()

    too_soon = deliver_outbox(app.sessions, now=clock)  # backoff: not due yet
    assert (too_soon.sent, too_soon.retrying) == (0, 0)
    assert server.data_faults == ["451 4.3.0 try later"]

    clock.advance(hours=1)
    second = deliver_outbox(app.sessions, now=clock)
    assert (second.sent, second.retrying) == (0, 1)
    assert "451 4.3.0 try later" in the_row(app).last_error

    clock.advance(hours=1)
    third = deliver_outbox(app.sessions, now=clock)
    assert third.sent == 1 and third.ok

    assert server.subjects == [SEED_SUBJECT]
    row = the_row(app)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")
    assert [(a.outcome, a.smtp_code) for a in attempts_of(app, row.id)] == [
        ("retry", 421), ("retry", 451), ("sent", 250)]
    clock.advance(hours=1)
    assert deliver_outbox(app.sessions, now=clock).sent == 0
    assert len(server.messages) == 1


def test_permanent_refusal_fails_with_the_servers_words_and_is_not_retried(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    server.data_faults.append("550 5.1.1 no such user")
    use_server(app, server)
    queue_finished_steps(app, enrol, "P1")
    clock = Clock()

    report = deliver_outbox(app.sessions, now=clock)

    assert report.failed == 1 and not report.ok
    row = the_row(app)
    assert (row.status, row.attempts) == ("failed", 1)
    assert "550 5.1.1 no such user" in row.last_error
    clock.advance(hours=2)
    later = deliver_outbox(app.sessions, now=clock)
    assert (later.sent, later.failed) == (0, 0)
    assert server.messages == []
    assert the_row(app).attempts == 1
    assert [(a.outcome, a.smtp_code) for a in attempts_of(app, row.id)] == [("failed", 550)]


def test_connection_dropped_during_data_is_retried_and_delivered_once(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    server.data_faults.append("drop")
    use_server(app, server)
    queue_finished_steps(app, enrol, "P1")
    clock = Clock()

    first = deliver_outbox(app.sessions, now=clock)
    row = the_row(app)
    assert first.retrying == 1 and first.sent == 0
    assert (row.status, row.attempts) == ("queued", 1)
    assert "connection dropped" in row.last_error

    clock.advance(hours=1)
    second = deliver_outbox(app.sessions, now=clock)

    assert second.sent == 1 and second.ok, second.error
    assert len(server.messages) == 1 and server.subjects == [SEED_SUBJECT]
    row = the_row(app)
    assert (row.status, row.attempts) == ("sent", 2)
    assert server.messages[0]["Message-ID"] == row.message_id


def test_server_down_keeps_emails_queued_without_using_attempts_then_delivers(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    use_server(app, server)
    queue_finished_steps(app, enrol, "P1", "P2")
    port = server.port
    server.stop()
    clock = Clock()

    down = deliver_outbox(app.sessions, now=clock)

    assert down.sent == 0 and not down.ok
    assert "refused the connection" in down.error
    assert [(r.status, r.attempts, r.claimed_by) for r in outbox_rows(app)] == [
        ("queued", 0, ""), ("queued", 0, "")]
    assert all_attempts(app) == []

    back = smtp_server_factory("none", port=port)
    report = deliver_outbox(app.sessions, now=clock)

    assert report.sent == 2 and report.ok, report.error
    assert sorted(a.addr_spec for m in back.messages for a in m["To"].addresses) == [
        "p1@example.org", "p2@example.org"]
    assert [(r.status, r.attempts) for r in outbox_rows(app)] == [("sent", 1), ("sent", 1)]


def test_after_max_attempts_temporary_refusals_the_email_fails_and_says_why(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    server.data_faults += ["451 4.3.0 try later", "451 4.3.0 still busy"]
    use_server(app, server)
    set_settings(app, smtp__max_attempts="2")
    queue_finished_steps(app, enrol, "P1")
    clock = Clock()

    assert deliver_outbox(app.sessions, now=clock).retrying == 1
    clock.advance(hours=1)
    report = deliver_outbox(app.sessions, now=clock)

    assert report.failed == 1
    row = the_row(app)
    assert (row.status, row.attempts) == ("failed", 2)
    assert row.last_error.startswith("Gave up after 2 attempts")
    assert "451 4.3.0 still busy" in row.last_error
    clock.advance(hours=3)
    assert deliver_outbox(app.sessions, now=clock).sent == 0
    assert server.messages == []


# --- 8-9. several senders ----------------------------------------------------------------------


def test_two_sender_processes_on_one_database_send_each_email_exactly_once(
        app, db_url, smtp_server_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    use_server(app, server, rate_per_minute=10000)  # the most allowed: 6 ms between emails
    with write_session(app.sessions) as session:
        plan = create_template(session, "two steps", [StepSpec("Step 1", 7),
                                                      StepSpec("Step 2", 7)])
        for n in range(200):
            code = f"P{n:04d}"
            patient = add_patient(session, PatientInput(code, "Test", code,
                                                        f"{code.lower()}@example.org", "", True))
            apply_plan(session, patient, plan, START)
    due_scan.notify_finished_steps(app.sessions, TODAY)  # like --no-send: only queues
    rows = outbox_rows(app)
    assert len(rows) == 200 and {r.status for r in rows} == {"queued"}

    processes = [
        subprocess.Popen([sys.executable, "-m", "clinic_desktop", "--data-dir",
                          str(tmp_path / f"pc{n}"), "--db", db_url, "outbox", "send"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in (1, 2)]
    try:
        outputs = [p.communicate(timeout=600) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, out + err
    # One sends at a time (the sender lease): the other finds it busy and names the sender,
    # or comes after it and finds nothing left.
    reported = [int(found[1]) if (found := re.search(r"(\d+) email\(s\) sent", out)) else 0
                for out, _ in outputs]
    assert sum(reported) == 200
    assert all(re.search(r"email\(s\) sent|is the sender right now", out) for out, _ in outputs)
    ids = Counter(m["Message-ID"] for m in server.messages)
    assert len(server.messages) == 200 and set(ids.values()) == {1}
    rows = outbox_rows(app)
    assert {r.status for r in rows} == {"sent"} and {r.attempts for r in rows} == {1}
    assert {r.message_id for r in rows} == set(ids)
    assert sorted(a.addr_spec for m in server.messages for a in m["To"].addresses) == \
        sorted(r.recipient for r in rows)


def test_email_left_sending_by_a_dead_sender_is_sent_again_with_its_message_id(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    use_server(app, server)
    queue_finished_steps(app, enrol, "P1", "P2")
    dead, busy = outbox_rows(app)
    clock = Clock()
    with write_session(app.sessions) as session:
        session.execute(update(Notification).where(Notification.id == dead.id).values(
            status="sending", claimed_by="OTHER-PC:1", message_id="<n1.dead@example.org>",
            claimed_until=clock() - timedelta(minutes=1)))
        # Another PC is sending this one right now: its claim has not run out.
        session.execute(update(Notification).where(Notification.id == busy.id).values(
            status="sending", claimed_by="OTHER-PC:2", message_id="<n2.busy@example.org>",
            claimed_until=clock() + timedelta(minutes=5)))

    report = deliver_outbox(app.sessions, now=clock, holder="THIS-PC:7")

    assert report.sent == 1 and report.ok, report.error
    [message] = server.messages
    assert message["Message-ID"] == "<n1.dead@example.org>"
    assert [a.addr_spec for a in message["To"].addresses] == ["p1@example.org"]
    dead_row, busy_row = outbox_rows(app)
    assert (dead_row.status, dead_row.message_id) == ("sent", "<n1.dead@example.org>")
    assert [(a.outcome, a.host) for a in attempts_of(app, dead.id)] == [
        ("interrupted", "OTHER-PC:1"), ("sent", "THIS-PC:7")]
    assert (busy_row.status, busy_row.claimed_by, busy_row.attempts) == (
        "sending", "OTHER-PC:2", 0)
    assert attempts_of(app, busy.id) == []

    clock.advance(minutes=10)  # that sender never came back: its claim ran out
    later = deliver_outbox(app.sessions, now=clock, holder="THIS-PC:7")
    assert later.sent == 1
    assert [m["Message-ID"] for m in server.messages] == ["<n1.dead@example.org>",
                                                          "<n2.busy@example.org>"]


def test_at_one_email_a_minute_each_batch_goes_out_before_its_claims_run_out(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    use_server(app, server, rate_per_minute=1)
    queue_finished_steps(app, enrol, *[f"P{n}" for n in range(1, 13)])
    clock = Clock()

    def wait(seconds: float) -> None:  # the rate limit's pause, on the test's clock
        clock.advance(seconds=seconds)

    report = deliver_outbox(app.sessions, now=clock, sleep=wait)

    # Twelve emails a minute apart take about 11 minutes, longer than a claim (10): sent in
    # batches that each end within their claim, none of them found lapsed and taken again.
    assert (report.sent, report.error) == (12, "")
    assert clock() - Clock()() > timedelta(minutes=10)
    assert Counter(a.outcome for a in all_attempts(app)) == {"sent": 12}
    assert Counter(m["Message-ID"] for m in server.messages) == {
        r.message_id: 1 for r in outbox_rows(app)}


# --- 10-11. when and what exactly ---------------------------------------------------------------


def test_send_window_in_clinic_time_holds_emails_until_it_opens(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    use_server(app, server)
    set_settings(app, send_window__start="08:00", send_window__end="18:00")
    queue_finished_steps(app, enrol, "P1")

    # 17:30 UTC is inside 08:00-18:00 in UTC, but 18:30 in Berlin (the clinic's zone): closed.
    evening = deliver_outbox(app.sessions, now=Clock(datetime(2026, 3, 10, 17, 30, tzinfo=UTC)))
    assert evening.window_closed == "until 08:00" and evening.sent == 0
    assert server.messages == []
    assert (the_row(app).status, the_row(app).attempts) == ("queued", 0)

    # 07:30 UTC is before 08:00 in UTC, but 08:30 in Berlin: open.
    morning = deliver_outbox(app.sessions, now=Clock(datetime(2026, 3, 11, 7, 30, tzinfo=UTC)))
    assert morning.window_closed == "" and morning.sent == 1
    assert server.subjects == [SEED_SUBJECT]


def test_line_breaks_in_names_cannot_inject_headers_or_recipients(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    envelopes: list[list[str]] = []
    assert server.controller is not None
    handler = server.controller.handler
    original = handler.handle_DATA

    async def recording(smtp: Any, session: Any, envelope: Any) -> str:
        envelopes.append(list(envelope.rcpt_tos))
        return await original(smtp, session, envelope)

    handler.handle_DATA = recording  # every RCPT the server accepted, per message
    use_server(app, server)
    with write_session(app.sessions) as session:
        patient = enrol(session, "P1", [7, 7], START)
        patient.first_name = "Eve\r\nBcc: evil@example.org"
        patient.last_name = "Mallory\nBcc: evil@example.org\r\n"
        step = session.scalar(select(TreatmentStep).where(
            TreatmentStep.patient_id == patient.id, TreatmentStep.order == 1))
        step.name = "Step 1\r\nBcc: evil@example.org\r\nX-Injected: yes"
    due_scan.notify_finished_steps(app.sessions, TODAY)

    report = deliver_outbox(app.sessions)

    assert report.sent == 1 and report.ok, report.error
    assert envelopes == [["p1@example.org"]]
    [message] = server.messages
    assert "Bcc" not in message and "X-Injected" not in message
    assert [a.addr_spec for a in message["To"].addresses] == ["p1@example.org"]
    subject = message["Subject"]
    assert "\r" not in subject and "\n" not in subject
    assert subject.startswith("📸 Treatment Step 'Step 1 Bcc: evil@example.org")
    assert sorted(message.keys()) == sorted(set(message.keys()))  # no header twice


# --- 12. the outbox on the command line ----------------------------------------------------------


OUTBOX_JSON_FIELDS = {"id", "kind", "patient_code", "recipient", "subject", "status",
                      "attempts", "last_error", "message_id", "created_at", "sent_at"}


def test_outbox_cli_lists_retries_cancels_and_sends_to_a_fixed_address(
        app, enrol, smtp_server_factory, cli) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    server.data_faults.append("550 5.1.1 no such user")
    use_server(app, server)
    queue_finished_steps(app, enrol, "P1")
    queue_finished_steps(app, enrol, "P3", email=None)
    assert deliver_outbox(app.sessions).failed == 1

    code, out, _ = cli("outbox", "list", "--json")
    assert code == 0
    listed = {r["patient_code"]: r for r in json.loads(out)}
    assert all(set(row) >= OUTBOX_JSON_FIELDS for row in listed.values())
    failed, held = listed["P1"], listed["P3"]
    assert (failed["kind"], failed["status"], failed["attempts"], failed["recipient"],
            failed["subject"]) == ("step_finished", "failed", 1, "p1@example.org", SEED_SUBJECT)
    assert "550 5.1.1 no such user" in failed["last_error"]
    assert failed["message_id"].startswith("<") and failed["sent_at"] is None
    assert datetime.fromisoformat(failed["created_at"])
    assert (held["status"], held["attempts"], held["recipient"]) == ("needs_attention", 0, "")
    assert "no email address" in held["last_error"]

    code, out, err = cli("outbox", "retry", str(failed["id"]))
    assert code == 0, err
    code, out, err = cli("outbox", "send")
    assert code == 0, err
    assert "1 email(s) sent" in out
    assert [a.addr_spec for m in server.messages for a in m["To"].addresses] == [
        "p1@example.org"]

    queue_finished_steps(app, enrol, "P2")
    [unwanted] = [r for r in outbox_rows(app) if r.recipient == "p2@example.org"]
    code, out, err = cli("outbox", "cancel", str(unwanted.id))
    assert code == 0, err
    code, out, err = cli("outbox", "send")
    assert code == 0 and "0 email(s) sent" in out
    assert len(server.messages) == 1

    code, out, err = cli("outbox", "retry", str(held["id"]))
    assert code != 0
    assert "the patient has no email address" in err and "Fix the patient" in err
    with write_session(app.sessions) as session:
        session.execute(update(Patient).where(Patient.code == "P3").values(
            email="p3.new@example.org", email_consent=True))
    code, out, err = cli("outbox", "retry", str(held["id"]))
    assert code == 0, err
    assert "p3.new@example.org" in out
    code, out, err = cli("outbox", "send")
    assert code == 0 and "1 email(s) sent" in out, err

    assert [a.addr_spec for m in server.messages for a in m["To"].addresses] == [
        "p1@example.org", "p3.new@example.org"]
    assert server.messages[-1]["Subject"] == SEED_SUBJECT
    code, out, _ = cli("outbox", "list", "--json")
    final = {r["patient_code"]: r for r in json.loads(out)}
    assert {code: r["status"] for code, r in final.items()} == {
        "P1": "sent", "P2": "cancelled", "P3": "sent"}
    assert final["P3"]["recipient"] == "p3.new@example.org" and final["P3"]["sent_at"]


# --- 13-15. the password -----------------------------------------------------------------------


def test_smtp_set_password_from_stdin_then_smtp_test_delivers(
        app, smtp_server_factory, file_keyring, cli) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("starttls", auth=True)
    use_server(app, server, username=SMTP_USER)

    code, out, err = cli("smtp", "set-password", "--stdin", stdin=SMTP_PASSWORD + "\n")

    assert code == 0, err
    assert file_keyring.get_password(secrets.SMTP_SERVICE, SMTP_USER) == SMTP_PASSWORD
    assert "does not encrypt passwords" in err  # the plaintext test keyring is called out

    code, out, err = cli("smtp", "test", "--to", "someone@example.org")

    assert code == 0, err
    assert "Test email sent to someone@example.org" in out
    [message] = server.messages
    assert [a.addr_spec for a in message["To"].addresses] == ["someone@example.org"]
    assert message["Message-ID"] in out
    assert server.logins == [("PLAIN", True)]


def _subparser(parser: argparse.ArgumentParser, *names: str) -> argparse.ArgumentParser:
    for name in names:
        [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        parser = action.choices[name]
    return parser


def _dump_database(engine: Any) -> str:
    """Every row of every table in the database, every column."""
    metadata = MetaData()
    metadata.reflect(bind=engine)
    lines = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                lines.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(lines)


def test_the_smtp_password_never_leaks_into_database_log_output_or_audit(
        app, enrol, smtp_server_factory, file_keyring, cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wrong = "Wr0ng-but-Secret-42"
    server = smtp_server_factory("starttls", auth=True)
    use_server(app, server, username=SMTP_USER)
    with write_session(app.sessions) as session:
        enrol(session, "P1", [7, 7], START)
    outputs: list[tuple[int, str, str]] = []

    outputs.append(cli("smtp", "set-password", "--stdin", stdin=SMTP_PASSWORD + "\n"))
    outputs.append(cli("notify-finished-steps", "--today", TODAY.isoformat(), "-v"))
    outputs.append(cli("smtp", "test", "--to", "someone@example.org", "-v"))
    outputs.append(cli("settings", "set", "smtp.password", SMTP_PASSWORD))  # a staff slip
    outputs.append(cli("smtp", "set-password", "--stdin", stdin=wrong + "\n"))
    with write_session(app.sessions) as session:
        enrol(session, "P2", [7, 7], START)
    outputs.append(cli("notify-finished-steps", "--today", TODAY.isoformat(), "-v"))
    outputs.append(cli("smtp", "test", "-v"))

    # A refused login is a configuration error: exit 2 (README).
    assert [code for code, _, _ in outputs] == [0, 0, 0, 2, 0, 2, 2], outputs
    assert "1 email(s) sent" in outputs[1][1] and len(server.messages) == 2
    assert "passwords live only in the system keyring" in outputs[3][2]
    assert "rejected the login" in outputs[5][2] and "rejected the login" in outputs[6][2]
    logins = [ok for _, ok in server.logins]
    assert logins[:2] == [True, True] and len(logins) > 2 and not any(logins[2:])

    secrets_on_the_wire = [SMTP_PASSWORD, wrong]
    for password in (SMTP_PASSWORD, wrong):  # what AUTH PLAIN and AUTH LOGIN send
        secrets_on_the_wire.append(base64.b64encode(
            f"\0{SMTP_USER}\0{password}".encode()).decode())
        secrets_on_the_wire.append(base64.b64encode(password.encode()).decode())
    log_files = sorted((tmp_path / "data" / "logs").rglob("*"))
    log_text = "\n".join(p.read_text(encoding="utf-8") for p in log_files if p.is_file())
    assert "SMTP password stored" in log_text  # the log was written, and is searched
    database = _dump_database(app.engine)
    with app.sessions() as session:
        audit = "\n".join(repr([e.actor, e.host, e.action, e.entity, e.before, e.after,
                                e.detail]) for e in session.scalars(select(AuditEvent)))
    assert "smtp_password_set" in audit and "smtp_test" in audit and "email_sent" in audit
    printed = "\n".join(out + err for _, out, err in outputs)
    places = {"database": database, "log file": log_text, "audit events": audit,
              "command output": printed}
    for where, text in places.items():
        for secret in secrets_on_the_wire:
            assert secret not in text, f"the password appears in the {where}"


def test_smtp_set_password_has_no_way_to_take_the_password_as_an_argument(capsys) -> None:  # type: ignore[no-untyped-def]
    set_password = _subparser(build_parser(), "smtp", "set-password")
    options = {o for a in set_password._actions for o in a.option_strings}
    assert [a.dest for a in set_password._actions if not a.option_strings] == []
    assert not any("pass" in o or "secret" in o or "pw" in o for o in options)
    for extra in (["hunter2"], ["--password", "hunter2"], ["--password=hunter2"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["smtp", "set-password", *extra])
        assert exit_info.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_without_a_password_store_the_password_cannot_be_kept_or_used(
        app, enrol, smtp_server_factory, cli) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("starttls", auth=True)
    use_server(app, server, username=SMTP_USER)
    queue_finished_steps(app, enrol, "P1")
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(ConfigError, match="No password store is available on this PC"):
            secrets.get_smtp_password(SMTP_USER)
        with pytest.raises(ConfigError, match="No password store is available on this PC"):
            secrets.set_smtp_password(SMTP_USER, SMTP_PASSWORD)
        code, _, err = cli("outbox", "send")
    finally:
        keyring.set_keyring(previous)
    assert code != 0 and "No password store is available" in err
    assert (the_row(app).status, the_row(app).attempts) == ("queued", 0)
    assert server.messages == []


def test_a_password_longer_than_credential_manager_allows_is_refused(file_keyring) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="Credential Manager keeps at most 1280"):
        secrets.set_smtp_password(SMTP_USER, "x" * 1281)
    assert file_keyring.get_password(secrets.SMTP_SERVICE, SMTP_USER) is None

    secrets.set_smtp_password(SMTP_USER, "x" * 1280)
    assert secrets.get_smtp_password(SMTP_USER) == "x" * 1280
