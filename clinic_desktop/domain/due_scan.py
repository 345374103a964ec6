"""The seed's `notify_finished_steps`: find finished steps, queue their emails, maybe advance."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import audit
from clinic_desktop.db.engine import rehearsal, write_session
from clinic_desktop.db.models import Patient, TreatmentStep
from clinic_desktop.domain.progression import advance
from clinic_desktop.domain.steps import finished_condition, is_finished
from clinic_desktop.errors import ClinicError, write_failure
from clinic_desktop.notify import outbox
from clinic_desktop.notify.render import BY_AUTO

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueStep:
    """A finished active step, as plain values (safe to hand to another thread)."""

    step_id: int
    patient_id: int
    patient_code: str
    patient_name: str
    order: int
    step_name: str
    due_date: date
    days_late: int
    notification_sent: bool
    recipient: str
    recipient_problem: str | None
    next_step: str | None  # "4 'Aligner 4'"; None when this is the last step


def due_step_ids(session: Session, today: date) -> list[int]:
    """The daily due scan: every finished active step, one range query on the partial index."""
    return list(session.scalars(select(TreatmentStep.id).where(finished_condition(today))
                                .order_by(TreatmentStep.due_date)))


def find_due_steps(session: Session, today: date) -> list[DueStep]:
    """The due steps with what staff need to see about them: two queries, plain rows."""
    rows = session.execute(
        select(TreatmentStep.id, TreatmentStep.patient_id, TreatmentStep.order,
               TreatmentStep.name, TreatmentStep.due_date, TreatmentStep.notification_sent,
               Patient.code, Patient.first_name, Patient.last_name, Patient.email,
               Patient.email_consent)
        .join(Patient, Patient.id == TreatmentStep.patient_id)
        .where(finished_condition(today))
        .order_by(TreatmentStep.due_date, Patient.code)
    ).all()
    if not rows:
        return []
    next_steps = _next_pending_steps(session, today)
    return [
        DueStep(
            step_id=r.id, patient_id=r.patient_id, patient_code=r.code,
            patient_name=f"{r.first_name} {r.last_name}".strip(), order=r.order,
            step_name=r.name, due_date=r.due_date, days_late=(today - r.due_date).days,
            notification_sent=r.notification_sent, recipient=r.email or "",
            recipient_problem=outbox.patient_address_problem(r.email, r.email_consent),
            next_step=next_steps.get(r.patient_id),
        )
        for r in rows
    ]


def _next_pending_steps(session: Session, today: date) -> dict[int, str]:
    """For each patient with a due step: the step that would start next, as "4 'Aligner 4'"."""
    due_patients = select(TreatmentStep.patient_id).where(finished_condition(today))
    first_pending = (
        select(TreatmentStep.patient_id, func.min(TreatmentStep.order).label("order"))
        .where(TreatmentStep.patient_id.in_(due_patients), TreatmentStep.is_active.is_(False),
               TreatmentStep.is_completed.is_(False))
        .group_by(TreatmentStep.patient_id).subquery()
    )
    return {
        patient_id: f"{order} '{name}'"
        for patient_id, order, name in session.execute(
            select(TreatmentStep.patient_id, TreatmentStep.order, TreatmentStep.name).join(
                first_pending, (first_pending.c.patient_id == TreatmentStep.patient_id)
                & (first_pending.c.order == TreatmentStep.order)))
    }


# Due steps written per transaction: the commit (and linking the audit chain) is paid once
# per few dozen emails, and the write lock is held for well under a second.
STEPS_PER_TRANSACTION = 50

# What happened to one due step.
QUEUED = "email queued"
NEEDS_ATTENTION = "needs attention"
ALREADY_NOTIFIED = "already notified"
GONE = "no longer due"
FAILED = "failed"


@dataclass
class ItemResult:
    step: DueStep
    email: str  # one of the outcomes above
    progress: str = ""  # "started 4 'Aligner 4'", "plan finished", or "" when not advanced
    detail: str = ""


@dataclass
class ScanReport:
    today: date
    dry_run: bool
    auto_progress: bool
    items: list[ItemResult] = field(default_factory=list)
    stopped: bool = False  # asked to stop (the app quit) before every due step was handled
    left: int = 0  # due steps not looked at because of that; the next run handles them

    def count(self, email: str) -> int:
        return sum(1 for item in self.items if item.email == email)

    @property
    def progressed(self) -> int:
        return sum(1 for item in self.items if item.progress)

    @property
    def failed(self) -> int:
        return self.count(FAILED)


def notify_finished_steps(sessions: sessionmaker[Session], today: date, *,
                          auto_progress: bool = False, dry_run: bool = False,
                          should_stop: Callable[[], bool] | None = None) -> ScanReport:
    """Queue the 'step completed – photo required' email for every finished step, once.

    Steps are written a few dozen to a transaction, each in its own savepoint, so one bad
    row, a second PC doing the same scan, or a crash halfway loses nothing and duplicates
    nothing. A dry run does the same work and rolls it all back. `should_stop` is asked
    between two steps: when it says yes (the app quits), the scan ends there (what was done
    is kept) and the report says how many were left.
    """
    if dry_run:
        with rehearsal(sessions) as rehearsed:
            report = notify_finished_steps(rehearsed, today, auto_progress=auto_progress,
                                           should_stop=should_stop)
        report.dry_run = True
        return report
    report = ScanReport(today=today, dry_run=False, auto_progress=auto_progress)
    with sessions() as session:
        due = find_due_steps(session, today)
    stop = should_stop or (lambda: False)
    batch: list[DueStep] = []
    for number, item in enumerate(due, start=1):
        if item.notification_sent and not auto_progress:
            # Nothing to do for it (the flag is only ever set): no transaction, so the check
            # run every hour costs a query, not one transaction per late patient.
            report.items.append(ItemResult(item, ALREADY_NOTIFIED))
        else:
            batch.append(item)
        if batch and (len(batch) == STEPS_PER_TRANSACTION or number == len(due)):
            done = _handle_batch(sessions, batch, today, auto_progress, stop)
            report.items.extend(done)
            if len(done) < len(batch):
                break  # asked to stop
            batch = []
    if len(report.items) < len(due):  # asked to stop: the rest is for the next run
        report.stopped, report.left = True, len(due) - len(report.items)
    place = {item.step_id: number for number, item in enumerate(due)}
    report.items.sort(key=lambda result: place[result.step.step_id])  # as they were due
    return report


def _handle_batch(sessions: sessionmaker[Session], batch: list[DueStep], today: date,
                  auto_progress: bool, stop: Callable[[], bool]) -> list[ItemResult]:
    """Handle these steps in one transaction, each in a savepoint: a step that fails is
    rolled back alone and reported; the others commit together. If the commit itself fails,
    each step is tried again in its own transaction, so one bad row never costs the rest.
    Asked to stop, it commits the steps done so far and leaves the others."""
    def in_savepoint(session: Session, item: DueStep) -> ItemResult:
        with session.begin_nested():
            return _handle(session, item, today, auto_progress)

    def on_its_own(item: DueStep) -> ItemResult:
        with write_session(sessions) as session:
            return _handle(session, item, today, auto_progress)

    try:
        with write_session(sessions) as session:
            done: list[ItemResult] = []
            for item in batch:
                if stop():
                    break
                done.append(_or_failed(item, partial(in_savepoint, session, item)))
            return done
    except (ClinicError, SQLAlchemyError) as exc:
        if write_failure(exc):
            raise  # a full disk fails every step alike: one sentence, not one per step
        log.warning("A batch of %d due steps could not be committed (%s); handling each on "
                    "its own", len(batch), str(exc).splitlines()[0])
    results = []
    for item in batch:
        if stop():
            break
        results.append(_or_failed(item, partial(on_its_own, item)))
    return results


def _or_failed(item: DueStep, handle: Callable[[], ItemResult]) -> ItemResult:
    """One step's result, or FAILED with the reason when its own data made it fail. A full
    disk fails every step alike: it is raised, one sentence rather than one per step."""
    try:
        return handle()
    except (ClinicError, SQLAlchemyError) as exc:
        if write_failure(exc):
            raise
        log.error("Step %s of patient %s could not be handled", item.step_id,
                  item.patient_code, exc_info=exc)
        return ItemResult(item, FAILED, detail=str(exc).splitlines()[0])


def _handle(session: Session, item: DueStep, today: date, auto_progress: bool) -> ItemResult:
    # FOR UPDATE makes a second PostgreSQL client wait and then see our result;
    # on SQLite the write lock taken at BEGIN IMMEDIATE does the same.
    step = session.scalar(select(TreatmentStep).where(TreatmentStep.id == item.step_id)
                          .with_for_update().execution_options(populate_existing=True))
    if step is None or not is_finished(step, today):
        return ItemResult(item, GONE)
    patient = step.patient
    result = ItemResult(item, ALREADY_NOTIFIED)
    if not step.notification_sent:
        queued = outbox.queue_step_email(session, outbox.KIND_STEP_FINISHED, patient, step)
        step.notification_sent = True
        if queued.created:
            result.email = NEEDS_ATTENTION if queued.reason else QUEUED
            result.detail = queued.reason
            audit.record(session, "notification_needs_attention" if queued.reason
                         else "notification_queued", patient_id=patient.id,
                         entity="treatment_step", entity_id=step.id,
                         detail=f"{outbox.KIND_STEP_FINISHED}: {queued.reason or patient.email}")
    if auto_progress:
        progression = advance(session, step, today, reason="auto-progress (daily check)",
                              progressed_by=BY_AUTO)
        result.progress = "plan finished" if progression.plan_finished else \
            f"started {item.next_step}"
    return result
