"""Benchmark the daily check (dry run) against the per-step way it worked before issue 16.

Both run on the same database, interleaved, each as a dry run (everything rolled back), CPU
time of this process:

- ours: `daily_check(dry_run=True)` as the scheduler and `notify-finished-steps` run it.
- baseline, the per-step way (the app's own code until issue 16, kept here): every finished
  step handled in its own transaction even when it was already notified, and for photo
  reminders one query per step for photos, reminder history and plan position, the clinic's
  details and the settings read again for each email. Same rules, same emails.

Two moments of a clinic's day are measured: the first check of the day (new 'photo
required' emails and reminders to write: both ways render the same emails), and the checks
after it (the scheduler runs every hour; staff press "Run check now"), where nothing new is
due and the per-step way still visits every late patient.

    python bench/daily_check.py [--patients 10000] [--db FILE] [--no-first-run]

RESULT daily_check_hourly ours=<s> baseline=<s> ratio=<baseline/ours>
RESULT daily_check_first ours=<s> baseline=<s> ratio=<baseline/ours>
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import settings
from clinic_desktop.app import open_app
from clinic_desktop.db.engine import rehearsal, write_session
from clinic_desktop.db.models import Notification, Photo, TreatmentStep
from clinic_desktop.demo import build_demo
from clinic_desktop.domain import due_scan, reminders
from clinic_desktop.domain.daily_check import daily_check
from clinic_desktop.domain.steps import finished_condition
from clinic_desktop.notify import outbox, render
from clinic_desktop.notify.context import (
    clinic_context,
    patient_context,
    plan_position,
    step_context,
)

TODAY = date(2025, 6, 2)


def ours(sessions: sessionmaker[Session]) -> tuple[int, int]:
    check = daily_check(sessions, TODAY, dry_run=True)
    return len(check.scan.items), check.follow_ups.reminders


def baseline(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with rehearsal(sessions) as rehearsed:
        with rehearsed() as session:
            due = due_scan.find_due_steps(session, TODAY)
        for item in due:  # a transaction per step, notified or not
            with write_session(rehearsed) as session:
                due_scan._handle(session, item, TODAY, False)
        with write_session(rehearsed) as session:
            queued = _reminders_per_step(session)
    return len(due), queued


def _reminders_per_step(session: Session) -> int:
    every = _setting_per_look_up(session, "notify.reminder_after_days")
    most = _setting_per_look_up(session, "notify.max_reminders")
    zone = settings.clinic_zone(session)
    rows = session.execute(
        select(TreatmentStep, Notification.sent_at)
        .join(Notification, (Notification.step_id == TreatmentStep.id)
              & (Notification.kind == outbox.KIND_STEP_FINISHED))
        .where(finished_condition(TODAY), Notification.status == outbox.STATUS_SENT)).all()
    queued = 0
    templates = render.templates_for(session)
    for step, told_at in rows:
        if told_at is None:
            continue
        if session.scalar(select(func.count()).select_from(Photo).where(
                Photo.step_id == step.id, Photo.imported_at >= told_at)):
            continue
        number, last_sent, blocker = reminders.reminder_state(session, step.id)
        if blocker or number > most:
            continue
        since = (last_sent or told_at).astimezone(zone).date()
        if since + timedelta(days=every) > TODAY:
            continue
        waiting = (TODAY - told_at.astimezone(zone).date()).days
        patient = step.patient
        position, count = plan_position(session, step)
        context = {"clinic": clinic_context(session), "patient": patient_context(patient),
                   "step": step_context(step, position), "step_count": count,
                   "reminder_number": number,
                   "max_reminders": max(_setting_per_look_up(session, "notify.max_reminders"),
                                        number),
                   "days_waiting": waiting}
        result = outbox.queue_email(
            session, kind=outbox.KIND_PHOTO_REMINDER, key=f"photo-reminder:{step.id}:{number}",
            recipient=patient.email or "", recipient_name=patient.full_name,
            language=patient.language, templates=templates, context=context,
            problem=outbox.recipient_problem(patient), patient_id=patient.id, step_id=step.id)
        queued += int(result.created)
    return queued


def _setting_per_look_up(session: Session, key: str) -> Any:
    session.info.pop("clinic_desktop.settings.read", None)  # as before: a query per look-up
    return settings.get(session, key)


def cpu(run: Callable[[sessionmaker[Session]], tuple[int, int]],
        sessions: sessionmaker[Session]) -> tuple[float, tuple[int, int]]:
    started = time.process_time()
    result = run(sessions)
    return time.process_time() - started, result


def compare(name: str, sessions: sessionmaker[Session], repeats: int) -> None:
    times: dict[str, list[float]] = {"ours": [], "baseline": []}
    found: dict[str, tuple[int, int]] = {}
    for _ in range(repeats):
        for label, run in (("ours", ours), ("baseline", baseline)):
            seconds, found[label] = cpu(run, sessions)
            times[label].append(seconds)
    if found["ours"] != found["baseline"]:
        raise SystemExit(f"{name}: the two ways disagree: {found}")
    best = {label: min(values) for label, values in times.items()}
    steps, queued = found["ours"]
    print(f"{name}: {steps:,} due steps, {queued:,} reminders to queue; ours "
          f"{best['ours']:.2f} s, per-step {best['baseline']:.2f} s CPU")
    print(f"RESULT {name} ours={best['ours']:.2f}s baseline={best['baseline']:.2f}s "
          f"ratio={best['baseline'] / best['ours']:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="start from a copy of this demo database")
    parser.add_argument("--no-first-run", action="store_true",
                        help="measure only the hourly checks (quick on 100,000 patients)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-daily-"))
    db = work / "clinic.sqlite3"
    if args.db:
        shutil.copy(args.db, db)
    app = open_app(work / "data", f"sqlite:///{db.as_posix()}", log_to_file=False)
    if not args.db:
        with write_session(app.sessions) as session:
            build_demo(session, TODAY, args.patients)
    if not args.no_first_run:
        compare("daily_check_first", app.sessions, repeats=2)
    daily_check(app.sessions, TODAY)  # the day's first check, for real
    compare("daily_check_hourly", app.sessions, repeats=3)
    app.close()


if __name__ == "__main__":
    main()
