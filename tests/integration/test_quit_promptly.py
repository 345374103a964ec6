"""Quitting is prompt: a long daily check and sending stop at their next safe point when
asked, and the next run finishes the work without anyone getting an email twice."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from typing import Any

from conftest import configure_smtp  # tests/integration/conftest.py
from sqlalchemy import func, insert, select

from clinic_desktop import settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Notification, Patient, TreatmentStep
from clinic_desktop.domain import due_scan
from clinic_desktop.domain.daily_check import daily_check
from clinic_desktop.notify import outbox
from clinic_desktop.notify.delivery import deliver_outbox


def many_due_steps(app: Any, count: int, today: date) -> list[int]:
    """`count` patients whose first step (7 days) is finished today, a second one to come.
    Written in bulk as the demo clinic is, so thousands take a second or two."""
    with write_session(app.sessions) as session:
        patients = list(session.scalars(
            insert(Patient).returning(Patient.id, sort_by_parameter_order=True),
            [{"code": f"Q{n:05d}", "first_name": "Test", "last_name": f"Q{n:05d}",
              "email": f"q{n:05d}@example.org", "email_consent": True, "language": "en"}
             for n in range(count)]))
        start = today - timedelta(days=7)
        steps = list(session.scalars(
            insert(TreatmentStep).returning(TreatmentStep.id, sort_by_parameter_order=True),
            [{"patient_id": patient, "order": 1, "name": "Aligner 1", "instructions": "",
              "duration_days": 7, "plan_name": "Aligners", "start_date": start,
              "due_date": today, "is_active": True} for patient in patients]))
        session.execute(insert(TreatmentStep), [
            {"patient_id": patient, "order": 2, "name": "Aligner 2", "instructions": "",
             "duration_days": 14, "plan_name": "Aligners", "start_date": None,
             "due_date": None, "is_active": False} for patient in patients])
    return steps


def step_emails(app: Any) -> dict[int, int]:
    """For each step: how many 'step finished' emails exist for it."""
    with app.sessions() as session:
        return dict(session.execute(
            select(Notification.step_id, func.count()).where(
                Notification.kind == outbox.KIND_STEP_FINISHED)
            .group_by(Notification.step_id)).all())



# --- each loop stops between two items ---------------------------------------------------------


def test_the_due_scan_stops_between_two_steps_and_the_next_run_does_the_rest(
        sqlite_app: Any) -> None:
    today = sqlite_app.clinic_today()
    steps = many_due_steps(sqlite_app, 30, today)
    asked = []

    def after_ten() -> bool:
        asked.append(1)
        return len(asked) > 10

    first = daily_check(sqlite_app.sessions, today, should_stop=after_ten)

    assert first.stopped and first.scan.stopped
    assert (first.scan.count(due_scan.QUEUED), first.scan.left) == (10, 20)
    assert first.follow_ups.reminders == 0  # follow-ups wait for a check that finishes
    assert sorted(step_emails(sqlite_app)) == steps[:10]

    second = daily_check(sqlite_app.sessions, today)

    assert not second.stopped
    assert second.scan.count(due_scan.QUEUED) == 20
    assert second.scan.count(due_scan.ALREADY_NOTIFIED) == 10
    assert step_emails(sqlite_app) == {step: 1 for step in steps}


def test_sending_stops_between_two_emails_and_while_waiting_for_the_rate_limit(
        sqlite_app: Any, smtp_server_factory: Any) -> None:
    server = smtp_server_factory()
    with write_session(sqlite_app.sessions) as session:
        configure_smtp(session, server, rate_per_minute=6000)
    today = sqlite_app.clinic_today()
    many_due_steps(sqlite_app, 30, today)
    due_scan.notify_finished_steps(sqlite_app.sessions, today)

    first = deliver_outbox(sqlite_app.sessions, should_stop=lambda: len(server.messages) >= 5)

    assert (first.stopped, first.sent, first.ok) == (True, 5, True)
    with sqlite_app.sessions() as session:
        statuses = dict(session.execute(select(Notification.status, func.count())
                                        .group_by(Notification.status)).all())
        untouched = session.scalar(select(func.count()).select_from(Notification).where(
            Notification.status == outbox.STATUS_QUEUED, Notification.attempts == 0))
    # The rest of the claimed batch went back to the queue as it was, not left "sending".
    assert statuses == {outbox.STATUS_SENT: 5, outbox.STATUS_QUEUED: 25} and untouched == 25

    # One email every 30 seconds: a stop while waiting for the next one ends the wait.
    with write_session(sqlite_app.sessions) as session:
        settings.set_value(session, "smtp.rate_per_minute", "2")
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    began = time.monotonic()
    second = deliver_outbox(sqlite_app.sessions, should_stop=stop.is_set)
    took = time.monotonic() - began

    assert (second.stopped, second.sent) == (True, 1)
    assert took < 3, f"sending took {took:.1f} s to stop"

    with write_session(sqlite_app.sessions) as session:
        settings.set_value(session, "smtp.rate_per_minute", "6000")
    rest = deliver_outbox(sqlite_app.sessions)
    assert (rest.sent, rest.stopped, rest.ok) == (24, False, True)
    recipients = [m["To"] for m in server.messages]
    assert len(recipients) == 30 and len(set(recipients)) == 30  # each patient once
