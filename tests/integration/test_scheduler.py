"""The built-in scheduler: when the daily check is due (clinic zone, DST, catch-up, abandoned
claims), real APScheduler jobs against a real SMTP server, `scheduler --once`, the sender
lease (also after a SIGKILL) and the health warning."""

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
from sqlalchemy import select

from clinic_desktop import clock, lease, settings
from clinic_desktop import scheduler as scheduler_module
from clinic_desktop.cli import main
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import AuditEvent, JobRun, Notification
from clinic_desktop.domain import due_scan
from clinic_desktop.health import health
from clinic_desktop.notify import outbox
from clinic_desktop.notify.delivery import holder_name
from clinic_desktop.scheduler import (
    DAILY_CHECK,
    DELIVERY,
    ClinicScheduler,
    JobEvent,
    claim_daily_check,
    daily_check_due,
    run_daily_check,
)

TODAY = date(2026, 3, 10)  # Europe/Berlin is UTC+1 (CET) that day


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def set_settings(app: Any, **values: str) -> None:
    """schedule_daily_time="00:00" sets schedule.daily_time."""
    with write_session(app.sessions) as session:
        for key, value in values.items():
            settings.set_value(session, key.replace("_", ".", 1), value)


def record_daily(app: Any, *, day: date | None, started: datetime | None,
                 finished: datetime | None, name: str = DAILY_CHECK) -> None:
    with write_session(app.sessions) as session:
        session.merge(JobRun(name=name, host="other-pc:1", started_at=started,
                             finished_at=finished, clinic_day=day, ok=True, summary="earlier"))


def due_on(app: Any, enrol: Any, code: str, due: date, days: int = 7) -> None:
    """A patient whose first step (of `days` days) falls due on `due`."""
    with write_session(app.sessions) as session:
        enrol(session, code, [days, 14], due - timedelta(days=days))


def job_run(app: Any, name: str) -> JobRun | None:
    with app.sessions() as session:
        return session.get(JobRun, name)


def finished_run(app: Any, name: str) -> JobRun | None:
    row = job_run(app, name)
    return row if row is not None and row.finished_at is not None else None


def current_lease(app: Any) -> lease.LeaseState | None:
    with app.sessions() as session:
        return lease.current(session)


def pin_clock(monkeypatch: pytest.MonkeyPatch, at: datetime) -> None:
    monkeypatch.setattr(clock, "now_utc", lambda: at)
    monkeypatch.setattr(scheduler_module.clock, "now_utc", lambda: at)


# --- when the daily check is due ---------------------------------------------------------------


def test_daily_check_waits_for_the_daily_time_in_the_clinic_zone(app: Any) -> None:
    set_settings(app, schedule_daily_time="09:00")
    with app.sessions() as session:
        assert daily_check_due(session, utc(TODAY, 7, 59)) is None  # 08:59 in Berlin
        assert daily_check_due(session, utc(TODAY, 8, 0)) == TODAY  # 09:00 in Berlin
        assert daily_check_due(session, utc(TODAY, 22, 59)) == TODAY  # 23:59 in Berlin
        # 00:30 on the 11th in Berlin while UTC still says the 10th: the clinic's day counts.
        assert daily_check_due(session, utc(TODAY, 23, 30)) is None


def test_daily_check_runs_once_a_day(app: Any) -> None:
    set_settings(app, schedule_daily_time="09:00")
    now = utc(TODAY, 8, 30)
    assert claim_daily_check(app, now) == TODAY
    claimed = job_run(app, DAILY_CHECK)
    assert claimed is not None
    assert (claimed.clinic_day, claimed.finished_at, claimed.summary) == (TODAY, None, "running")
    assert claimed.host == holder_name()
    # Still running: nobody else may start it.
    assert claim_daily_check(app, now + timedelta(minutes=5)) is None
    record_daily(app, day=TODAY, started=now, finished=now + timedelta(minutes=1))
    with app.sessions() as session:
        assert daily_check_due(session, utc(TODAY, 20, 0)) is None
        assert daily_check_due(session, utc(TODAY + timedelta(days=1), 7, 59)) is None
        assert daily_check_due(session, utc(TODAY + timedelta(days=1), 8, 0)) == \
            TODAY + timedelta(days=1)
    assert claim_daily_check(app, utc(TODAY, 21, 0)) is None


def test_check_left_running_by_a_dead_pc_is_taken_over(app: Any) -> None:
    set_settings(app, schedule_daily_time="09:00")
    now = utc(TODAY, 10, 0)
    record_daily(app, day=TODAY, started=now - timedelta(minutes=29), finished=None)
    assert claim_daily_check(app, now) is None  # may still be running somewhere
    record_daily(app, day=TODAY, started=now - timedelta(minutes=31), finished=None)
    assert claim_daily_check(app, now) == TODAY
    row = job_run(app, DAILY_CHECK)
    assert row is not None
    assert (row.host, row.started_at, row.finished_at) == (holder_name(), now, None)
    # A check that did finish for today is never taken over, however long ago it started.
    record_daily(app, day=TODAY, started=now - timedelta(hours=2),
                 finished=now - timedelta(hours=2) + timedelta(minutes=1))
    assert claim_daily_check(app, now) is None


def test_pc_off_for_two_days_runs_one_check_that_finds_every_due_step(
        app: Any, enrol: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    set_settings(app, schedule_daily_time="09:00")
    due_on(app, enrol, "P00001", TODAY - timedelta(days=2))
    due_on(app, enrol, "P00002", TODAY - timedelta(days=1))
    due_on(app, enrol, "P00003", TODAY)
    due_on(app, enrol, "P00004", TODAY + timedelta(days=1))  # not due yet
    last = utc(TODAY - timedelta(days=3), 8, 0)
    record_daily(app, day=TODAY - timedelta(days=3), started=last,
                 finished=last + timedelta(minutes=1))
    now = utc(TODAY, 10, 15)  # the PC comes back on at 11:15 Berlin time
    pin_clock(monkeypatch, now)

    day = claim_daily_check(app, now)
    assert day == TODAY  # one check, for today: not one per missed day
    event = run_daily_check(app, day, send=False)

    assert event.ok, event.summary
    assert event.summary.startswith("3 finished step(s): 3 email(s) queued, 0 need attention")
    with app.sessions() as session:
        queued = session.execute(select(Notification.recipient, Notification.status)
                                 .where(Notification.kind == outbox.KIND_STEP_FINISHED)
                                 .order_by(Notification.recipient)).all()
        assert queued == [(f"p0000{n}@example.org", outbox.STATUS_QUEUED) for n in (1, 2, 3)]
        row = session.get(JobRun, DAILY_CHECK)
        assert row is not None
        assert (row.clinic_day, row.ok, row.finished_at) == (TODAY, True, now)
        assert daily_check_due(session, now + timedelta(hours=1)) is None
    assert claim_daily_check(app, now + timedelta(hours=1)) is None


@pytest.mark.parametrize(("day", "first_due_utc"), [
    (date(2026, 3, 29), (7, 0)),  # spring forward: 09:00 CEST = 07:00 UTC
    (date(2026, 10, 25), (8, 0)),  # fall back: 09:00 CET = 08:00 UTC
], ids=["spring-forward", "fall-back"])
def test_daily_time_follows_daylight_saving(app: Any, day: date,
                                            first_due_utc: tuple[int, int]) -> None:
    set_settings(app, schedule_daily_time="09:00")
    due = utc(day, *first_due_utc)
    with app.sessions() as session:
        assert daily_check_due(session, due - timedelta(minutes=1)) is None
        assert daily_check_due(session, due) == day
        # The night of the change itself never counts as 09:00.
        for hour in range(0, first_due_utc[0]):
            assert daily_check_due(session, utc(day, hour, 30)) is None


# --- real jobs on a real scheduler -------------------------------------------------------------


def test_started_scheduler_takes_the_lease_and_catches_up(
        app: Any, enrol: Any, smtp_server_factory: Any,
        started: Callable[[ClinicScheduler], ClinicScheduler]) -> None:
    server = smtp_server_factory()
    today = app.clinic_today()
    with write_session(app.sessions) as session:
        configure_smtp(session, server)
        settings.set_value(session, "schedule.daily_time", "00:00")
    due_on(app, enrol, "P00001", today)
    due_on(app, enrol, "P00002", today - timedelta(days=3))
    events: list[JobEvent] = []

    scheduler = started(ClinicScheduler(app, on_event=events.append))

    run = wait_for("the catch-up daily check", lambda: finished_run(app, DAILY_CHECK))
    assert run.ok, run.summary
    assert run.host == holder_name() == scheduler.holder
    assert run.clinic_day == today
    assert run.summary == ("2 finished step(s): 2 email(s) queued, 0 need attention; 2 sent")
    assert sorted(m["To"] for m in server.messages) == \
        ["Test P00001 <p00001@example.org>", "Test P00002 <p00002@example.org>"]
    with app.sessions() as session:
        assert set(session.scalars(select(Notification.status))) == {outbox.STATUS_SENT}
        assert session.get(JobRun, DELIVERY) is not None  # the daily check sent through it
    assert [(e.job, e.ok) for e in events] == [(DAILY_CHECK, True)]
    state = current_lease(app)
    assert state is not None and state.holder == scheduler.holder
    assert scheduler.is_sender
    assert scheduler.next_daily_run() is not None

    scheduler.shutdown()
    assert current_lease(app) is None
    assert not scheduler.is_sender


def test_failing_daily_check_does_not_stop_the_other_jobs(
        app: Any, enrol: Any, smtp_server_factory: Any, monkeypatch: pytest.MonkeyPatch,
        started: Callable[[ClinicScheduler], ClinicScheduler]) -> None:
    server = smtp_server_factory()
    today = app.clinic_today()
    with write_session(app.sessions) as session:
        configure_smtp(session, server)
        settings.set_value(session, "schedule.daily_time", "00:00")
    due_on(app, enrol, "P00001", today)
    # Queued before the scheduler starts, so only the delivery job can send it.
    due_scan.notify_finished_steps(app.sessions, today)

    def explode(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the due scan exploded")

    monkeypatch.setattr(scheduler_module, "daily_check", explode)
    monkeypatch.setattr(scheduler_module, "HEARTBEAT_SECONDS", 1)
    events: list[JobEvent] = []
    scheduler = started(ClinicScheduler(app, on_event=events.append))

    run = wait_for("the failed daily check", lambda: finished_run(app, DAILY_CHECK))
    assert not run.ok
    assert run.summary == "unexpected error: the due scan exploded"
    assert run.host == scheduler.holder
    assert [(e.job, e.ok, e.attention) for e in events] == [(DAILY_CHECK, False, True)]
    assert server.messages == []  # the check died before its sending part

    # The heartbeat still runs (it renews the lease)...
    first = current_lease(app)
    assert first is not None
    wait_for("a later heartbeat", lambda: (s := current_lease(app)) is not None
             and s.expires_at > first.expires_at, timeout=15)
    # ...and the delivery job, fired now instead of in a minute, sends the queued email.
    scheduler._scheduler.modify_job(DELIVERY, next_run_time=datetime.now(UTC))
    delivered = wait_for("the delivery job", lambda: finished_run(app, DELIVERY))
    assert delivered.ok and delivered.summary == "1 sent"
    assert [m["To"] for m in server.messages] == ["Test P00001 <p00001@example.org>"]
    assert (DELIVERY, True) in [(e.job, e.ok) for e in events]
    thread = scheduler._scheduler._thread  # type: ignore[attr-defined]
    assert scheduler._scheduler.running and thread is not None and thread.is_alive()
    # The failed check stays failed for today: it is not retried on every heartbeat.
    assert job_run(app, DAILY_CHECK).summary == "unexpected error: the due scan exploded"


def test_lease_is_renewed_while_the_catch_up_check_runs(
        app: Any, monkeypatch: pytest.MonkeyPatch,
        started: Callable[[ClinicScheduler], ClinicScheduler]) -> None:
    """A long catch-up (hundreds of emails at 20 a minute) must not let the lease lapse:
    otherwise another PC takes over after LEASE_SECONDS and sends beside this one."""
    set_settings(app, schedule_daily_time="00:00", photos_poll_seconds="3600")
    release = threading.Event()
    running = threading.Event()

    def slow_check(app_: Any, day: date, *, send: bool = True, **_: Any) -> JobEvent:
        running.set()
        release.wait(20)
        return JobEvent(DAILY_CHECK, True, "slow")

    monkeypatch.setattr(scheduler_module, "run_daily_check", slow_check)
    monkeypatch.setattr(scheduler_module, "HEARTBEAT_SECONDS", 1)
    started(ClinicScheduler(app))
    try:
        assert running.wait(30), "the catch-up did not start"
        first = current_lease(app)
        assert first is not None
        deadline = time.monotonic() + 20  # a heartbeat a second: renewed within a few
        while (later := current_lease(app)) is not None and \
                later.expires_at <= first.expires_at and time.monotonic() < deadline:
            time.sleep(0.1)
        assert later is not None
        assert later.expires_at > first.expires_at, (
            "the lease was not renewed while the catch-up daily check ran in the heartbeat job")
    finally:
        release.set()


# --- scheduler --once ---------------------------------------------------------------------------


def test_scheduler_once_runs_the_due_check_then_only_sends(
        app: Any, db_url: str, enrol: Any, smtp_server_factory: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    server = smtp_server_factory()
    today = app.clinic_today()
    with write_session(app.sessions) as session:
        configure_smtp(session, server)
        settings.set_value(session, "schedule.daily_time", "00:00")
    due_on(app, enrol, "P00001", today)
    due_on(app, enrol, "P00002", today - timedelta(days=1))
    argv = ["--data-dir", str(app.paths.data_dir), "--db", db_url, "scheduler", "--once"]

    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.strip() == ("[daily_check] ok: 2 finished step(s): 2 email(s) queued, "
                           "0 need attention; 2 sent")
    assert len(server.messages) == 2
    assert current_lease(app) is None  # --once hands the lease back

    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.strip() == "[delivery] ok: 0 sent"
    assert len(server.messages) == 2
    run = job_run(app, DAILY_CHECK)
    assert run is not None and run.clinic_day == today and run.ok

    # Another PC holds the lease: --once does nothing, says who sends, and is no failure
    # (a task on every PC must not report one every day).
    assert lease.acquire(app.sessions, "front-desk:4242")
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "[lease] ok: The PC front-desk (process 4242) is the sender right now" in out
    state = current_lease(app)
    assert state is not None and state.holder == "front-desk:4242"


# --- the sender lease ---------------------------------------------------------------------------


def lease_events(app: Any) -> list[str]:
    with app.sessions() as session:
        return list(session.scalars(select(AuditEvent.detail)
                                    .where(AuditEvent.action == "lease_taken")
                                    .order_by(AuditEvent.id)))


def test_lease_is_taken_over_only_after_it_expires(app: Any) -> None:
    t0 = utc(TODAY, 9, 0)
    seconds = lease.LEASE_SECONDS
    assert lease.acquire(app.sessions, "pc-a:1", now=t0)
    assert not lease.acquire(app.sessions, "pc-b:2", now=t0 + timedelta(seconds=60))
    assert lease.acquire(app.sessions, "pc-a:1", now=t0 + timedelta(seconds=60))  # renewed
    assert not lease.acquire(app.sessions, "pc-b:2",
                             now=t0 + timedelta(seconds=60 + seconds - 1))
    with app.sessions() as session:
        state = lease.current(session)
    assert state is not None
    assert (state.holder, state.acquired_at, state.expires_at) == \
        ("pc-a:1", t0, t0 + timedelta(seconds=60 + seconds))
    assert not state.is_stale(t0 + timedelta(seconds=60 + seconds))
    assert state.is_stale(t0 + timedelta(seconds=61 + seconds))

    takeover = t0 + timedelta(seconds=61 + seconds)
    assert lease.acquire(app.sessions, "pc-b:2", now=takeover)
    assert not lease.acquire(app.sessions, "pc-a:1", now=takeover)  # A came back: too late
    with app.sessions() as session:
        state = lease.current(session)
    assert state is not None
    assert (state.holder, state.acquired_at) == ("pc-b:2", takeover)
    assert lease_events(app) == ["sender: pc-a:1",
                                 "sender: pc-b:2 took over from pc-a:1 (silent since "
                                 "2026-03-10 09:03 UTC)"]
    lease.release(app.sessions, "pc-a:1")  # not A's to release
    assert current_lease(app) is not None
    lease.release(app.sessions, "pc-b:2")
    assert current_lease(app) is None


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL does not exist on Windows")
def test_lease_of_a_killed_scheduler_is_taken_over_after_it_expires(
        app: Any, db_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = (tmp_path / "scheduler.out").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "clinic_desktop", "--data-dir", str(tmp_path / "other-pc"),
         "--db", db_url, "scheduler"], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        state = wait_for("the scheduler process to take the lease",
                         lambda: (s := current_lease(app)) is not None
                         and s.holder.endswith(f":{process.pid}") and s, timeout=90)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
        log.close()
    assert process.returncode == -signal.SIGKILL
    dead = state.holder
    after_kill = current_lease(app)
    assert after_kill is not None and after_kill.holder == dead  # a dead process releases nothing

    now = datetime.now(UTC)
    assert not lease.acquire(app.sessions, "survivor:1", now=now)
    assert lease.acquire(app.sessions, "survivor:1",
                         now=now + timedelta(seconds=lease.LEASE_SECONDS + 1))
    state = current_lease(app)
    assert state is not None and state.holder == "survivor:1"
    assert lease_events(app)[-1].startswith(f"sender: survivor:1 took over from {dead} ")


# --- health -----------------------------------------------------------------------------------


def test_health_warns_when_nobody_checked_or_sent(app: Any, enrol: Any) -> None:
    now = utc(TODAY, 12, 0)
    with app.sessions() as session:
        assert health(session, now).warnings == []  # nothing to do: nothing to warn about
    due_on(app, enrol, "P00001", TODAY)
    with app.sessions() as session:
        warnings = health(session, now).warnings
    assert warnings == ["Work is waiting but nobody has checked or sent ever. Is the notifier "
                        "running on any PC?"]

    silent = now - timedelta(hours=27)
    record_daily(app, day=TODAY - timedelta(days=2), started=silent - timedelta(minutes=1),
                 finished=silent)
    with app.sessions() as session:
        state = health(session, now)
    assert state.warnings == ["Work is waiting but nobody has checked or sent since "
                              "2026-03-09 10:00. Is the notifier running on any PC?"]
    assert state.last_daily is not None and state.last_daily.host == "other-pc:1"

    # Just inside 26 hours is still fine; a recent delivery counts as activity too.
    record_daily(app, day=TODAY - timedelta(days=1), started=None,
                 finished=now - timedelta(hours=25, minutes=59))
    with app.sessions() as session:
        assert health(session, now).warnings == []
    record_daily(app, name=DELIVERY, day=None, started=None, finished=now - timedelta(hours=1))
    with app.sessions() as session:
        assert health(session, now + timedelta(hours=2)).warnings == []


def test_health_shows_the_sender_and_a_silent_one(app: Any) -> None:
    now = utc(TODAY, 12, 0)
    assert lease.acquire(app.sessions, "front-desk:7", now=now)
    with app.sessions() as session:
        fresh = health(session, now + timedelta(seconds=30))
        stale = health(session, now + timedelta(seconds=lease.LEASE_SECONDS + 1))
    assert (fresh.sender, fresh.sender_stale) == ("front-desk:7", False)
    assert (stale.sender, stale.sender_stale) == ("front-desk:7", True)
