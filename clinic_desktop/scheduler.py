"""The built-in scheduler: daily check, outbox delivery, folder polling — on one PC at a time."""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from clinic_desktop import clock, lease, settings
from clinic_desktop.app import AppContext
from clinic_desktop.db.engine import is_transient, until_written, write_session
from clinic_desktop.db.models import JobRun
from clinic_desktop.domain import due_scan
from clinic_desktop.domain.daily_check import daily_check
from clinic_desktop.domain.forecast import Forecast
from clinic_desktop.domain.forecast import forecast as rehearse_days
from clinic_desktop.errors import ClinicError, ExitCode
from clinic_desktop.health import DAILY_CHECK, DELIVERY, FOLDER_WATCH
from clinic_desktop.notify.delivery import DeliveryReport, deliver_outbox, holder_name
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

if TYPE_CHECKING:
    from clinic_desktop.photos.watch import FolderWatcher

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30


@dataclass(frozen=True)
class JobEvent:
    """What a job did, for the tray's balloons and the dashboard."""

    job: str
    ok: bool
    summary: str
    attention: bool = False  # something staff should look at (failures, unmatched photos)
    config_error: bool = False  # a setting, password or certificate must be fixed (exit 2)


RECORD_PATIENCE_SECONDS = 60


def _record(app: AppContext, name: str, *, ok: bool, summary: str, started: datetime,
            day: date | None = None) -> None:
    """The job's last run. For the daily check, `day` is the clinic day it covered; None
    (a check stopped halfway) leaves no day covered, so the check is due again. A database
    busy for longer than RECORD_PATIENCE_SECONDS loses only this note (the daily check's
    claim then runs out and the check, which changes nothing twice, runs again)."""
    def write() -> None:
        with write_session(app.sessions) as session:
            row = session.get(JobRun, name) or JobRun(name=name)
            row.host, row.started_at, row.finished_at = holder_name(), started, clock.now_utc()
            row.ok, row.summary = ok, summary[:2000]
            if name == DAILY_CHECK:
                row.clinic_day = day
            session.merge(row)

    try:
        until_written(write, f"the note of the {name} job's run", patience=RECORD_PATIENCE_SECONDS)
    except OperationalError as exc:
        if not is_transient(exc):
            raise
        log.warning("The database stayed busy: the %s job's run (%s) is not noted.", name,
                    summary)


DAILY_CLAIM_TIMEOUT = timedelta(minutes=30)
_STOPPED = sentence(QT_TRANSLATE_NOOP(
    "core", "stopped when the app quit; resumes at the next start"))
STOPPED = _STOPPED()
_STOPPED_EARLY = sentence(QT_TRANSLATE_NOOP(
    "core", "stopped when the app quit; resumes at the next start ({n} finished step(s) not "
    "looked at yet)"))
_SCANNED = sentence(QT_TRANSLATE_NOOP(
    "core", "{n_steps} finished step(s): {n_queued} email(s) queued, {n_attention} need "
    "attention"))
_ADVANCED = sentence(QT_TRANSLATE_NOOP("core", "{n} advanced"))
_FOLLOW_UPS = sentence(QT_TRANSLATE_NOOP(
    "core", "{n_reminders} reminder(s), {n_digests} digest(s)"))
_FAILED = sentence(QT_TRANSLATE_NOOP("core", "{n} failed"))
_UNEXPECTED = sentence(QT_TRANSLATE_NOOP("core", "unexpected error: {problem}"))


def daily_check_due(session: Session, now: datetime) -> date | None:
    """The clinic day whose check is due now (its time has come and it has not run), or None.

    A PC that was off or asleep at the daily time catches up as soon as it runs; several
    missed days still mean one check, which finds every due step.
    """
    zone = settings.clinic_zone(session)
    local = now.astimezone(zone)
    if local.time() < settings.get(session, "schedule.daily_time"):
        return None
    last = session.get(JobRun, DAILY_CHECK)
    if last is not None and last.clinic_day is not None and last.clinic_day >= local.date():
        # Claimed for today: done, or still running — unless its PC died long ago.
        abandoned = last.finished_at is None and last.started_at is not None and \
            now - last.started_at > DAILY_CLAIM_TIMEOUT
        if not abandoned:
            return None
    return local.date()


def claim_daily_check(app: AppContext, now: datetime) -> date | None:
    """Mark today's check as started, in the database, so no other PC or thread runs it too."""
    with write_session(app.sessions) as session:
        session.scalar(select(JobRun).where(JobRun.name == DAILY_CHECK).with_for_update())
        day = daily_check_due(session, now)
        if day is None:
            return None
        row = session.get(JobRun, DAILY_CHECK) or JobRun(name=DAILY_CHECK)
        row.host, row.started_at, row.finished_at, row.clinic_day = holder_name(), now, None, day
        row.ok, row.summary = True, "running"
        session.merge(row)
        return day


def forecast(app: AppContext, days: int,
             should_stop: Callable[[], bool] | None = None) -> Forecast:
    """The coming days' emails (domain.forecast); today's check is left out once it has
    run, or runs on another PC now, as this scheduler would leave it out."""
    now = clock.now_utc()
    with app.sessions() as session:
        zone = settings.clinic_zone(session)
        check_at = max(now, datetime.combine(now.astimezone(zone).date(),
                                             settings.get(session, "schedule.daily_time"),
                                             zone))
        checked = daily_check_due(session, check_at) is None
    return rehearse_days(app.sessions, days, today_checked=checked, should_stop=should_stop)


def run_daily_check(app: AppContext, today: date, *, send: bool = True,
                    holder: str | None = None,
                    should_stop: Callable[[], bool] | None = None) -> JobEvent:
    """The seed's daily job: queue finished-step emails (and auto-progress when set),
    reminders and digests, then send. Recorded as the last daily check.

    `should_stop` (the app quits) ends it between two steps, emails or reminders. A check
    stopped before its steps, reminders and digests were all done is recorded as not done
    for any day, so the next start (on this PC or another) claims it again and finishes it;
    what was done stays done, and nobody gets an email twice.
    """
    started = clock.now_utc()
    covered: date | None = today
    with app.sessions() as session:
        auto = settings.get(session, "schedule.auto_progress")
    parts: list[str] = []
    ok = True
    attention = config_error = False
    try:
        check = daily_check(app.sessions, today, auto_progress=auto, should_stop=should_stop)
        report, follow = check.scan, check.follow_ups
        parts.append(_SCANNED(n_steps=len(report.items), n_queued=report.count(due_scan.QUEUED),
                              n_attention=report.count(due_scan.NEEDS_ATTENTION)))
        if auto:
            parts.append(_ADVANCED(n=report.progressed))
        if follow.reminders or follow.digests:
            parts.append(_FOLLOW_UPS(n_reminders=follow.reminders, n_digests=follow.digests))
        if report.failed:
            ok = False
            parts.append(_FAILED(n=report.failed))
        attention = bool(report.count(due_scan.NEEDS_ATTENTION) or report.failed)
        if check.stopped:
            ok, covered = False, None
            parts.append(_STOPPED_EARLY(n=report.left) if report.left else STOPPED)
        elif send:
            event = run_delivery(app, holder=holder, should_stop=should_stop)
            parts.append(event.summary)
            ok = ok and event.ok
            attention = attention or event.attention
            config_error = event.config_error
    except ClinicError as exc:
        ok, attention, config_error = False, True, exc.exit_code == ExitCode.USAGE
        parts.append(str(exc))
    except Exception as exc:  # a job that raises must never kill the scheduler
        log.exception("The daily check failed")
        ok, attention = False, True
        parts.append(_UNEXPECTED(problem=exc))
    summary = "; ".join(parts)
    _record(app, DAILY_CHECK, ok=ok, summary=summary, started=started, day=covered)
    return JobEvent(DAILY_CHECK, ok, summary, attention, config_error)


_WINDOW_CLOSED = sentence(QT_TRANSLATE_NOOP(
    "core", "sending waits: the send window is closed {when}"))
_SENT = sentence(QT_TRANSLATE_NOOP("core", "{n} sent"))
_TO_RETRY = sentence(QT_TRANSLATE_NOOP("core", "{n} to retry"))
_SENDING_STOPPED = sentence(QT_TRANSLATE_NOOP(
    "core", "stopped when the app quit, the rest is sent at the next start"))
_NOT_SENT = sentence(QT_TRANSLATE_NOOP("core", "not sent: {problem}"))


def run_delivery(app: AppContext, *, holder: str | None = None,
                 should_stop: Callable[[], bool] | None = None) -> JobEvent:
    """Send what is due (see send_due); what the scheduler and the window report."""
    return send_due(app, holder=holder, should_stop=should_stop)[0]


def send_due(app: AppContext, *, holder: str | None = None,
             should_stop: Callable[[], bool] | None = None, contain_errors: bool = True,
             ) -> tuple[JobEvent, DeliveryReport | None]:
    """The one way to send, for every caller: the scheduler, the window's "Send now",
    `outbox send` and `notify-finished-steps`. It holds the sender lease (one PC sends at a
    time, so the clinic's rate limit holds), records the run (status and Today show it) and
    returns the delivery report (None when another PC is the sender).

    With a `holder` (the scheduler's), the lease is renewed between batches and sending stops
    as soon as another PC has taken it over. Without one (a command, the window), it is
    taken for this run as this process and given back afterwards unless this process
    already held it; when another PC holds it, nothing is sent here and the event says
    who sends. `should_stop` (the app quits) ends it between two emails. A job contains its
    errors (they become the event's summary); a command (`contain_errors=False`) lets them
    reach its own error sentences, after the lease is given back.
    """
    taken_here = False
    keep_going: Callable[[], bool] | None = None
    if holder is None:
        holder = holder_name()
        sender = _live_sender(app)
        if sender is not None and sender != holder:
            return _elsewhere(sender), None
        if lease.acquire(app.sessions, holder):
            taken_here = sender != holder
            keep_going = functools.partial(lease.acquire, app.sessions, holder)
        elif (sender := _live_sender(app)) is not None and sender != holder:
            return _elsewhere(sender), None
        # else the database was too busy to take the lease: send without it this once (each
        # email's claim still keeps it to one sender), and deliver_outbox says if it is busy.
    else:
        keep_going = functools.partial(lease.acquire, app.sessions, holder)
    started = clock.now_utc()
    config_error = False
    report: DeliveryReport | None = None
    try:
        report = deliver_outbox(app.sessions, holder=holder, keep_going=keep_going,
                                should_stop=should_stop)
        if report.window_closed:
            summary = _WINDOW_CLOSED(when=report.window_closed)
        else:
            summary = _SENT(n=report.sent)
            if report.retrying:
                summary += ", " + _TO_RETRY(n=report.retrying)
            if report.failed:
                summary += ", " + _FAILED(n=report.failed)
            if report.error:
                summary += f"; {report.error}"
            if report.stopped:
                summary += "; " + _SENDING_STOPPED()
        ok, attention = report.ok, bool(report.failed or report.error)
        config_error = report.setup_error
    except ClinicError as exc:  # e.g. sending is not set up yet
        if not contain_errors:
            raise
        summary, ok, attention = _NOT_SENT(problem=exc), False, True
        config_error = exc.exit_code == ExitCode.USAGE
    except Exception as exc:
        if not contain_errors:
            raise
        log.exception("Sending failed")
        summary, ok = _NOT_SENT(problem=_UNEXPECTED(problem=exc)), False
        attention = True
    finally:
        if taken_here:
            lease.release(app.sessions, holder)
    _record(app, DELIVERY, ok=ok, summary=summary, started=started)
    return JobEvent(DELIVERY, ok, summary, attention, config_error), report


def _live_sender(app: AppContext) -> str | None:
    """Who holds the sender lease now, if anyone does and has not gone silent."""
    with app.sessions() as session:
        state = lease.current(session)
    return state.holder if state is not None and not state.is_stale(clock.now_utc()) else None


def _elsewhere(sender: str) -> JobEvent:
    """Another PC sends: no failure (the emails go from there)."""
    return JobEvent(DELIVERY, True, _SENDS_ELSEWHERE(pc=_pc(sender)))


_SENDS_ELSEWHERE = sentence(QT_TRANSLATE_NOOP(
    "core", "The PC {pc} is the sender right now: the emails go from there, so nothing was "
    "sent from here."))
_PROCESS = sentence(QT_TRANSLATE_NOOP("core", "{pc} (process {n})"))


def _pc(holder: str) -> str:
    """The lease holder "RECEPTION-1:4242" as "RECEPTION-1 (process 4242)"."""
    pc, _, process = holder.rpartition(":")
    return _PROCESS(pc=pc, n=process) if pc and process.isdigit() else holder


MAIL_POLL = "mail_poll"


def run_mail_poll(app: AppContext, *, holder: str | None = None,
                  should_stop: Callable[[], bool] | None = None) -> JobEvent | None:
    """Read the clinic's mailbox (clinic_desktop.mail.poll): None when it is not set up or
    there was nothing new."""
    # The photo and mailbox modules load when a scheduler is made or its job runs: the
    # commands that only send (send_due) or rehearse (forecast) start without Pillow, the
    # IMAP reader and watchdog.
    from clinic_desktop.mail.poll import poll_once

    started = clock.now_utc()
    try:
        report = poll_once(app, holder=holder, should_stop=should_stop)
    except Exception as exc:  # a job that raises must never kill the scheduler
        log.exception("Reading the mailbox failed")
        _record(app, MAIL_POLL, ok=False, summary=str(exc), started=started)
        return JobEvent(MAIL_POLL, False, _MAILBOX(summary=exc), True)
    if report is None or (not report.handled and not report.moved and report.ok):
        return None
    summary = report.summary()
    _record(app, MAIL_POLL, ok=report.ok, summary=summary, started=started)
    return JobEvent(MAIL_POLL, report.ok, _MAILBOX(summary=summary), report.attention,
                    report.setup_error)


_MAILBOX = sentence(QT_TRANSLATE_NOOP("core", "mailbox: {summary}"))


def run_folder_watch(app: AppContext, watcher: FolderWatcher,
                     should_stop: Callable[[], bool] | None = None) -> JobEvent | None:
    from clinic_desktop.photos.importer import IMPORTED, REFUSED, UNMATCHED

    started = clock.now_utc()
    try:
        report = watcher.poll(should_stop)
    except Exception as exc:
        log.exception("Polling the watched folders failed")
        _record(app, FOLDER_WATCH, ok=False, summary=str(exc), started=started)
        return JobEvent(FOLDER_WATCH, False, _WATCH_FAILED(problem=exc), True)
    if not report.outcomes and not report.problems:
        return None
    counts = {status: sum(1 for o in report.outcomes if o.status == status)
              for status in (IMPORTED, UNMATCHED, REFUSED)}
    summary = ", ".join(_PHOTOS_BY_RESULT[status](n=n) for status, n in counts.items() if n) \
        or _NOTHING_NEW()
    if report.problems:
        summary += "; " + " ".join(report.problems)
    attention = bool(counts[UNMATCHED] or counts[REFUSED] or report.problems)
    _record(app, FOLDER_WATCH, ok=not report.problems, summary=summary, started=started)
    return JobEvent(FOLDER_WATCH, not report.problems, _PHOTOS(summary=summary), attention)


_WATCH_FAILED = sentence(QT_TRANSLATE_NOOP("core", "watched folders: {problem}"))
_PHOTOS_BY_RESULT = {
    "imported": sentence(QT_TRANSLATE_NOOP("core", "{n} imported")),
    "unmatched": sentence(QT_TRANSLATE_NOOP("core", "{n} unmatched")),
    "refused": sentence(QT_TRANSLATE_NOOP("core", "{n} refused")),
}
_NOTHING_NEW = sentence(QT_TRANSLATE_NOOP("core", "nothing new"))
_PHOTOS = sentence(QT_TRANSLATE_NOOP("core", "photos: {summary}"))


_NO_LEASE = sentence(QT_TRANSLATE_NOOP(
    "core", "The sender lease could not be taken (the database did not answer); nothing was "
    "done here. The next run tries again."))
_CHECKS_ELSEWHERE = sentence(QT_TRANSLATE_NOOP(
    "core", "The PC {pc} is the sender right now: it runs the daily check and sends the emails, "
    "so nothing was needed on this PC."))


class ClinicScheduler:
    """APScheduler jobs in a background thread. Every PC runs one; only the lease holder
    checks, sends and polls folders. Jobs never raise into the scheduler.

    Quitting is prompt: `stop_jobs()` (called first by `shutdown()`, or straight from a
    signal handler) makes a running job end at its next safe point — between two steps,
    emails or photos, each already its own transaction — and no new job starts.
    """

    def __init__(self, app: AppContext, *, on_event: Callable[[JobEvent], None] | None = None,
                 holder: str | None = None):
        from clinic_desktop.photos.importer import PhotoImporter  # see run_mail_poll
        from clinic_desktop.photos.watch import FolderWatcher

        self.app = app
        self.holder = holder or holder_name()
        self.on_event = on_event or (lambda event: None)
        self.paused_until: datetime | None = None
        self._observer: object | None = None
        self._lock = threading.Lock()  # one job body at a time in this process
        self._stop = threading.Event()  # set when the app quits; jobs ask it between items
        self._scheduler = BackgroundScheduler(timezone="UTC")
        self.watcher = FolderWatcher(
            app.sessions, lambda: PhotoImporter.for_app(app, app.clinic_today()))

    @property
    def is_sender(self) -> bool:
        with self.app.sessions() as session:
            state = lease.current(session)
        return bool(state and state.holder == self.holder and not state.is_stale(
            clock.now_utc()))

    def start(self) -> None:
        with self.app.sessions() as session:
            zone = settings.clinic_zone(session)
            daily = settings.get(session, "schedule.daily_time")
            poll = settings.get(session, "photos.poll_seconds")
        options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        self._scheduler.add_job(self.heartbeat, IntervalTrigger(seconds=HEARTBEAT_SECONDS),
                                id="heartbeat", next_run_time=clock.now_utc(), **options)
        self._scheduler.add_job(self.catch_up, IntervalTrigger(minutes=1), id="catch_up",
                                next_run_time=clock.now_utc(), **options)
        self._scheduler.add_job(self.daily_job, CronTrigger(hour=daily.hour,
                                                            minute=daily.minute,
                                                            timezone=zone),
                                id=DAILY_CHECK, **options)
        self._scheduler.add_job(self.delivery_job, IntervalTrigger(minutes=1), id=DELIVERY,
                                **options)
        self._scheduler.add_job(self.watch_job, IntervalTrigger(seconds=poll),
                                id=FOLDER_WATCH, **options)
        from clinic_desktop.mail.poll import POLL_MINUTES

        self._scheduler.add_job(self.mail_job, IntervalTrigger(minutes=POLL_MINUTES),
                                id=MAIL_POLL, next_run_time=clock.now_utc(), **options)
        self._scheduler.start()
        self._observer = self.watcher.watch_events(self._folder_changed)
        log.info("Scheduler started as %s (daily check %s %s)", self.holder,
                 daily.strftime("%H:%M"), zone.key)

    def _folder_changed(self) -> None:
        """A file appeared in a watched folder: poll now instead of at the next interval."""
        with contextlib.suppress(Exception):  # the scheduler may be stopping
            self._scheduler.modify_job(FOLDER_WATCH, next_run_time=clock.now_utc())

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def stop_jobs(self) -> None:
        """Ask the running job to stop at its next safe point; start no new one. Quick and
        lock-free for the caller, so a signal handler may call it."""
        self._stop.set()

    def shutdown(self) -> None:
        """Stop the jobs (a running one ends at its next safe point, within seconds) and
        hand the lease back."""
        self.stop_jobs()
        if self._observer is not None:
            self._observer.stop()  # type: ignore[attr-defined]
            # Its threads gone before the app (and Qt) goes: a file event no longer arrives.
            self._observer.join(timeout=5)  # type: ignore[attr-defined]
            self._observer = None
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        try:
            lease.release(self.app.sessions, self.holder)
        except Exception:  # the database may already be gone at exit
            log.exception("Could not release the sender lease")

    def next_daily_run(self) -> datetime | None:
        job = self._scheduler.get_job(DAILY_CHECK) if self._scheduler.running else None
        return job.next_run_time if job else None

    def pause_sending(self, until: datetime | None) -> None:
        self.paused_until = until

    def _sending_paused(self) -> bool:
        return self.paused_until is not None and clock.now_utc() < self.paused_until

    def _emit(self, event: JobEvent | None) -> None:
        if event is not None:
            try:
                self.on_event(event)
            except Exception:
                log.exception("Showing a scheduler event failed")

    # --- jobs: each takes the lease first ------------------------------------------------

    def heartbeat(self) -> None:
        """Only renews the lease: it must never wait behind a long job, or the lease lapses
        and another PC starts sending too."""
        try:
            lease.acquire(self.app.sessions, self.holder)
        except Exception:
            log.exception("Heartbeat failed")

    def catch_up(self) -> None:
        """Run a missed daily check (PC was off at the daily time): its own job, every minute."""
        if self.stopping or not self._lock.acquire(blocking=False):
            return  # a job is running; the next minute will see
        try:
            if not lease.acquire(self.app.sessions, self.holder):
                return
            event = self._daily_if_due()
        finally:
            self._lock.release()
        self._emit(event)

    def daily_job(self) -> None:
        if self.stopping or not lease.acquire(self.app.sessions, self.holder):
            return
        with self._lock:
            event = self._daily_if_due()
        self._emit(event)

    def _daily_if_due(self) -> JobEvent | None:
        if self.stopping:  # waited for the lock while the app began to quit
            return None
        day = claim_daily_check(self.app, clock.now_utc())
        if day is None:
            return None
        return run_daily_check(self.app, day, send=not self._sending_paused(),
                               holder=self.holder, should_stop=self._stop.is_set)

    def check_now(self) -> JobEvent | None:
        """The daily check because staff asked for it ("Run check now"), even if today's
        already ran (it is idempotent). It stops like the jobs when the app quits: None
        when the app was already quitting."""
        with self._lock:
            if self.stopping:
                return None
            claim_daily_check(self.app, clock.now_utc())
            return run_daily_check(self.app, self.app.clinic_today(),
                                   should_stop=self._stop.is_set)

    def delivery_job(self) -> None:
        if self.stopping or self._sending_paused() or \
                not lease.acquire(self.app.sessions, self.holder):
            return
        with self._lock:
            if self.stopping:
                return
            event = run_delivery(self.app, holder=self.holder, should_stop=self._stop.is_set)
        if event.summary != "0 sent":
            self._emit(event)

    def watch_job(self) -> None:
        if self.stopping or not lease.acquire(self.app.sessions, self.holder):
            return
        with self._lock:
            if self.stopping:
                return
            event = run_folder_watch(self.app, self.watcher, self._stop.is_set)
        self._emit(event)
        if self.watcher.last_waiting:
            # A file is still being copied: look again soon, not at the next interval.
            with contextlib.suppress(Exception):
                self._scheduler.modify_job(FOLDER_WATCH, next_run_time=clock.now_utc()
                                           + timedelta(seconds=2))

    def mail_job(self) -> None:
        if self.stopping or not lease.acquire(self.app.sessions, self.holder):
            return
        with self._lock:
            if self.stopping:
                return
            event = run_mail_poll(self.app, holder=self.holder, should_stop=self._stop.is_set)
        self._emit(event)

    def run_once(self) -> list[JobEvent]:
        """Every job that is due now, once (for Task Scheduler / cron): `scheduler --once`."""
        events: list[JobEvent] = []
        if not lease.acquire(self.app.sessions, self.holder):
            with self.app.sessions() as session:
                state = lease.current(session)
            if state is None:  # nobody holds it: the database was busy or unreachable
                events.append(JobEvent("lease", False, _NO_LEASE()))
                return events
            # A task on every PC is the recommended setup: the others doing nothing is no
            # failure, and must not make Task Scheduler report one every day.
            events.append(JobEvent("lease", True, _CHECKS_ELSEWHERE(pc=_pc(state.holder))))
            return events
        should_stop = self._stop.is_set
        try:
            day = claim_daily_check(self.app, clock.now_utc()) if not self.stopping else None
            if day is not None:
                events.append(run_daily_check(self.app, day, holder=self.holder,
                                              should_stop=should_stop))
            elif not self.stopping:
                events.append(run_delivery(self.app, holder=self.holder,
                                           should_stop=should_stop))
            if not self.stopping:
                watched = run_folder_watch(self.app, self.watcher, should_stop)
                if watched is not None:
                    events.append(watched)
            if not self.stopping:
                mail = run_mail_poll(self.app, holder=self.holder, should_stop=should_stop)
                if mail is not None:
                    events.append(mail)
        finally:
            lease.release(self.app.sessions, self.holder)
        return events
