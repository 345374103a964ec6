"""Quitting is prompt: a long daily check, sending and folder polls stop at their next safe
point within seconds when the app quits (shutdown, SIGTERM), and the next start finishes the
work without anyone getting an email twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from servers import configure_smtp, wait_for
from sqlalchemy import func, insert, select

from clinic_desktop import lease, settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import JobRun, Notification, Patient, TreatmentStep
from clinic_desktop.domain import due_scan
from clinic_desktop.domain.daily_check import daily_check
from clinic_desktop.notify import outbox
from clinic_desktop.notify.delivery import deliver_outbox
from clinic_desktop.scheduler import (
    DAILY_CHECK,
    STOPPED,
    ClinicScheduler,
    daily_check_due,
    run_daily_check,
)

MANY = 1200  # due steps: at 3-10 ms each, a check of several seconds to quit in
PROMPT = 5.0  # seconds a quit may take


def set_settings(app: Any, **values: str) -> None:
    """schedule_daily_time="00:00" sets schedule.daily_time."""
    with write_session(app.sessions) as session:
        for key, value in values.items():
            settings.set_value(session, key.replace("_", ".", 1), value)


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


def queued_count(app: Any) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(Notification)) or 0


def job_run(app: Any) -> JobRun | None:
    with app.sessions() as session:
        return session.get(JobRun, DAILY_CHECK)


def check_running_with_some_queued(app: Any, at_least: int = 50) -> bool:
    run = job_run(app)
    return run is not None and run.summary == "running" and queued_count(app) >= at_least


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
    waiting_since: list[float] = []

    def stop_while_it_waits() -> None:
        # Once the first email of this run is in (however slow a loaded machine is), the
        # sender waits 30 s for the next: ask it to stop half a second into that wait.
        deadline = time.monotonic() + 60
        while len(server.messages) < 6 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)
        waiting_since.append(time.monotonic())
        stop.set()

    threading.Thread(target=stop_while_it_waits, daemon=True).start()
    second = deliver_outbox(sqlite_app.sessions, should_stop=stop.is_set)
    took = time.monotonic() - waiting_since[0]

    assert (second.stopped, second.sent) == (True, 1)
    assert took < 2, f"sending took {took:.1f} s to stop"

    with write_session(sqlite_app.sessions) as session:
        settings.set_value(session, "smtp.rate_per_minute", "6000")
    rest = deliver_outbox(sqlite_app.sessions)
    assert (rest.sent, rest.stopped, rest.ok) == (24, False, True)
    recipients = [m["To"] for m in server.messages]
    assert len(recipients) == 30 and len(set(recipients)) == 30  # each patient once


# --- the scheduler: shutdown() and SIGTERM during a long daily check ---------------------------


def test_quitting_during_a_long_catch_up_check_is_prompt_and_the_next_start_finishes_it(
        app: Any, started: Callable[[ClinicScheduler], ClinicScheduler]) -> None:
    set_settings(app, schedule_daily_time="00:00", photos_poll_seconds="3600")
    today = app.clinic_today()
    steps = many_due_steps(app, MANY, today)
    first = ClinicScheduler(app)
    first.pause_sending(datetime.now(UTC) + timedelta(hours=1))  # queue only; no SMTP here
    started(first)
    wait_for("the catch-up check to be running", lambda: check_running_with_some_queued(app))

    began = time.monotonic()
    first.shutdown()
    took = time.monotonic() - began

    assert took < PROMPT, f"shutdown took {took:.1f} s during the daily check"
    handled = step_emails(app)
    assert 50 <= len(handled) < MANY
    run = job_run(app)
    assert run is not None and run.finished_at is not None
    assert (run.ok, run.clinic_day) == (False, None)
    assert STOPPED in run.summary and f"{MANY - len(handled)} finished step(s) not looked" \
        in run.summary, run.summary
    with app.sessions() as session:
        assert daily_check_due(session, datetime.now(UTC)) == today  # claimable again

    second = ClinicScheduler(app)  # the next start
    second.pause_sending(datetime.now(UTC) + timedelta(hours=1))
    started(second)
    resumed = wait_for("the resumed check to finish",
                       lambda: (r := job_run(app)) is not None and r.clinic_day == today
                       and r.finished_at is not None and r, timeout=300)

    assert resumed.ok, resumed.summary
    assert resumed.summary.startswith(
        f"{MANY} finished step(s): {MANY - len(handled)} email(s) queued, "
        "0 need attention"), resumed.summary
    assert step_emails(app) == {step: 1 for step in steps}  # every step once, none twice
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(TreatmentStep).where(
            TreatmentStep.order == 1, TreatmentStep.notification_sent.is_(False))) == 0


def test_run_check_now_from_the_window_stops_when_the_app_quits(sqlite_app: Any) -> None:
    """The window's "Run check now" runs in a worker the app waits for when it quits
    (TaskRunner.shutdown, after the scheduler's): it stops with the scheduler's jobs."""
    # Past the daily time whatever the hour, so the check is claimed and says "running"
    # (before 09:00 Run check now runs it unclaimed, and the test waited for nothing).
    set_settings(sqlite_app, schedule_daily_time="00:00")
    many_due_steps(sqlite_app, MANY, sqlite_app.clinic_today())
    scheduler = ClinicScheduler(sqlite_app)  # the window's; its jobs need not run here
    events: list[Any] = []
    worker = threading.Thread(target=lambda: events.append(scheduler.check_now()))
    worker.start()
    wait_for("the check to be running", lambda: check_running_with_some_queued(sqlite_app))

    began = time.monotonic()
    scheduler.shutdown()
    worker.join(30)
    took = time.monotonic() - began

    assert took < PROMPT, f"quitting waited {took:.1f} s for the check"
    [event] = events
    assert not event.ok and STOPPED in event.summary
    assert scheduler.check_now() is None  # asked again while quitting: nothing starts


def test_a_check_stopped_before_it_starts_records_nothing_done(sqlite_app: Any) -> None:
    today = sqlite_app.clinic_today()
    many_due_steps(sqlite_app, 3, today)

    event = run_daily_check(sqlite_app, today, send=False, should_stop=lambda: True)

    assert not event.ok and event.summary == \
        f"0 finished step(s): 0 email(s) queued, 0 need attention; {STOPPED} " \
        "(3 finished step(s) not looked at yet)"
    assert step_emails(sqlite_app) == {}


@pytest.mark.skipif(os.name == "nt", reason="SIGTERM ends a process at once on Windows")
@pytest.mark.parametrize(("command", "said_line"), [
    ("scheduler", "Scheduler stopped; the sender lease is released."),
    # The notifier in the tray (no tray on the offscreen platform: it runs without an icon);
    # logoff and service managers ask it with SIGTERM too.
    ("tray", "the notifier runs without an icon"),
], ids=["scheduler", "tray"])
def test_sigterm_during_a_long_daily_check_ends_the_process_within_seconds(
        app: Any, db_url: str, tmp_path: Path, command: str, said_line: str) -> None:
    set_settings(app, schedule_daily_time="00:00", photos_poll_seconds="3600")
    many_due_steps(app, MANY, app.clinic_today())
    output = tmp_path / "process.out"
    with output.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "clinic_desktop", "--data-dir", str(tmp_path / "other-pc"),
             "--db", db_url, command], stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "QT_QPA_PLATFORM": "offscreen"})
        try:
            wait_for("the daily check to be running", lambda: process.poll() is None
                     and check_running_with_some_queued(app), timeout=120)
            began = time.monotonic()
            process.send_signal(signal.SIGTERM)
            code = process.wait(30)
            took = time.monotonic() - began
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(30)
    said = output.read_text(encoding="utf-8")

    assert code == 0, said
    assert took < PROMPT, f"{command} took {took:.1f} s to end after SIGTERM"
    assert said_line in said, said
    assert 50 <= len(step_emails(app)) < MANY
    run = job_run(app)
    assert run is not None and STOPPED in run.summary and run.clinic_day is None, \
        run.summary if run else None
    with app.sessions() as session:
        assert lease.current(session) is None  # handed back on the way out
