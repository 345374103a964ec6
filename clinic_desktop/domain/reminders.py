"""Daily follow-ups: photo reminders to patients and the doctors' digest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from clinic_desktop import audit, settings
from clinic_desktop.db.engine import rehearsal, write_session
from clinic_desktop.db.models import Doctor, Notification, Patient, Photo, TreatmentStep
from clinic_desktop.domain.steps import finished_condition
from clinic_desktop.notify import outbox, render
from clinic_desktop.notify.context import (
    clinic_context,
    patient_context,
    plan_position,
    plan_positions,
    step_context,
)
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

# Rows per list in a doctor's digest; the email says how many more the app shows. A doctor of
# a clinic group can have hundreds of late patients, and an email of them all helps nobody.
DIGEST_ROWS = 50


@dataclass
class FollowUpReport:
    reminders: int = 0
    digests: int = 0
    stopped: bool = False  # asked to stop (the app quit); the next run queues the rest


def run_follow_ups(sessions: sessionmaker[Session], today: date, *,
                   dry_run: bool = False,
                   should_stop: Callable[[], bool] | None = None) -> FollowUpReport:
    """Queue today's photo reminders and digests. A dry run queues them and rolls back.

    `should_stop` is asked between two reminders and two digests; what was queued until
    then is kept (each has its dedupe key), and the next run queues the rest.
    """
    report = FollowUpReport()
    if dry_run:
        with rehearsal(sessions) as rehearsed:
            return run_follow_ups(rehearsed, today, should_stop=should_stop)
    stopping = should_stop or (lambda: False)
    # Two transactions: a digest that cannot be written (a staff template's fault) does not
    # take the day's reminders with it.
    with write_session(sessions) as session:
        report.reminders = queue_photo_reminders(session, today, should_stop=stopping)
    if not stopping():
        with write_session(sessions) as session:
            report.digests = queue_doctor_digests(session, today, should_stop=stopping)
    report.stopped = stopping()
    return report


def _clinic_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def queue_photo_reminders(session: Session, today: date, *,
                          should_stop: Callable[[], bool] | None = None) -> int:
    """Remind patients whose finished step still waits for a photo, at most
    notify.max_reminders times per step.

    Reminder n+1 is due notify.reminder_after_days after reminder n was *sent* (the first
    one that long after the 'photo required' email), so a check run many times a day, on
    several PCs, or after days off never sends two at once or out of order: one still
    waiting in the outbox blocks the next, and so does one that could not be delivered
    (staff fix the address and retry it first).
    """
    every = settings.get(session, "notify.reminder_after_days")
    most = settings.get(session, "notify.max_reminders")
    if most == 0:
        return 0
    zone = settings.clinic_zone(session)
    # Set-based: the finished steps whose 'photo required' email went out and no photo came
    # since, with their patients, in one query; their reminders in one more; what the emails
    # need (plan positions, the clinic, the templates) once for all of them.
    told = (Notification.step_id == TreatmentStep.id) & \
        (Notification.kind == outbox.KIND_STEP_FINISHED)
    rows = session.execute(
        select(TreatmentStep, Notification.sent_at)
        .join(Notification, told)
        .where(finished_condition(today), Notification.status == outbox.STATUS_SENT,
               Notification.sent_at.is_not(None),
               ~exists().where(Photo.step_id == TreatmentStep.id,
                               Photo.imported_at >= Notification.sent_at))
        .options(joinedload(TreatmentStep.patient))
        .order_by(TreatmentStep.id)
    ).all()
    states = reminder_states(session, [step.id for step, _ in rows])
    due = []
    for step, told_at in rows:
        if told_at is None:  # a sent email has its time; only a hand-edited row lacks it
            continue
        number, last_sent, blocker = states[step.id]
        if blocker or number > most:
            continue
        if today >= _clinic_day(last_sent or told_at, zone) + timedelta(days=every):
            due.append((step, number, (today - _clinic_day(told_at, zone)).days))
    if not due:
        return 0
    shared = _SharedContext(templates=render.templates_for(session),
                            clinic=clinic_context(session), most=most,
                            positions=plan_positions(session, [step for step, _, _ in due]))
    queued = 0
    for step, number, waiting in due:
        if should_stop is not None and should_stop():
            break
        if queue_reminder(session, step, number, waiting, shared=shared).created:
            queued += 1
    return queued


@dataclass(frozen=True)
class _SharedContext:
    """What every reminder of one run shares, read once instead of once per email."""

    templates: render.TemplateSet
    clinic: dict[str, Any]
    most: int
    positions: dict[int, tuple[int, int]]


def reminder_state(session: Session, step_id: int) -> tuple[int, datetime | None, str]:
    """(the next reminder's number, when the last one was sent, why none may be queued now).

    The reason is "" when the next may go; else a sentence for staff: the last reminder is
    still waiting to be sent, or could not be delivered.
    """
    return reminder_states(session, [step_id])[step_id]


def reminder_states(session: Session, step_ids: Sequence[int],
                    ) -> dict[int, tuple[int, datetime | None, str]]:
    """reminder_state of many steps, from one query per 500 steps."""
    count: dict[int, int] = dict.fromkeys(step_ids, 0)
    last: dict[int, Any] = {}
    ids = sorted(set(step_ids))
    for start in range(0, len(ids), 500):
        for row in session.execute(
                select(Notification.step_id, Notification.status, Notification.sent_at,
                       Notification.created_at)
                .where(Notification.kind == outbox.KIND_PHOTO_REMINDER,
                       Notification.step_id.in_(ids[start:start + 500]))
                .order_by(Notification.step_id, Notification.created_at, Notification.id)):
            count[row.step_id] += 1
            last[row.step_id] = row  # the newest, as the rows come oldest first
    return {step_id: _state(count[step_id], last.get(step_id)) for step_id in step_ids}


_WAITING = sentence(QT_TRANSLATE_NOOP("core", "a photo reminder is already waiting to be sent"))
_UNDELIVERED = sentence(QT_TRANSLATE_NOOP(
    "core", "the last photo reminder could not be delivered; fix it and retry it in the outbox "
    "first"))


def _state(count: int, last: Any) -> tuple[int, datetime | None, str]:
    if last is None:
        return 1, None, ""
    if last.status in (outbox.STATUS_QUEUED, outbox.STATUS_SENDING):
        return count + 1, None, _WAITING()
    if last.status in (outbox.STATUS_FAILED, outbox.STATUS_NEEDS_ATTENTION):
        return count + 1, None, _UNDELIVERED()
    # Sent, or cancelled by staff (then counted from when it was queued).
    return count + 1, last.sent_at or last.created_at, ""


def queue_reminder(session: Session, step: TreatmentStep, number: int, days_waiting: int,
                   *, shared: _SharedContext | None = None) -> outbox.Queued:
    """Queue photo reminder `number` for a step (automatic, or asked for by staff); its
    dedupe key makes a second PC's reminder with the same number impossible."""
    patient: Patient = step.patient
    most = shared.most if shared else settings.get(session, "notify.max_reminders")
    position, count = shared.positions[step.id] if shared else plan_position(session, step)
    result = outbox.queue_email(
        session, kind=outbox.KIND_PHOTO_REMINDER, key=f"photo-reminder:{step.id}:{number}",
        recipient=patient.email or "", recipient_name=patient.full_name,
        language=patient.language, templates=shared.templates if shared else None,
        context={"clinic": shared.clinic if shared else clinic_context(session),
                 "patient": patient_context(patient),
                 "step": step_context(step, position), "step_count": count,
                 "reminder_number": number, "max_reminders": max(most, number),
                 "days_waiting": days_waiting},
        problem=outbox.recipient_problem(patient), patient_id=patient.id, step_id=step.id)
    if result.created:
        audit.record(session, "reminder_queued", patient_id=patient.id,
                     entity="treatment_step", entity_id=step.id,
                     detail=f"photo reminder {number}")
    return result


def queue_doctor_digests(session: Session, today: date, *,
                         should_stop: Callable[[], bool] | None = None) -> int:
    """One email per doctor with news: who progressed yesterday, who is late, who could not
    be emailed. Only when notify.doctor_mode is 'digest'; doctors with no news get nothing."""
    if settings.get(session, "notify.doctor_mode") != "digest":
        return 0
    zone = settings.clinic_zone(session)
    late_after = settings.get(session, "reports.late_after_days")
    yesterday = today - timedelta(days=1)
    day_start = datetime.combine(yesterday, time(0), zone).astimezone(UTC)
    day_end = datetime.combine(today, time(0), zone).astimezone(UTC)
    templates = render.templates_for(session)
    queued = 0
    for doctor in session.scalars(select(Doctor).where(Doctor.email.is_not(None))
                                  .order_by(Doctor.id)):
        if should_stop is not None and should_stop():
            break
        progressed_steps = (
            select(TreatmentStep).join(Patient).where(
                Patient.doctor_id == doctor.id, TreatmentStep.is_completed.is_(True),
                TreatmentStep.completed_at >= day_start, TreatmentStep.completed_at < day_end))
        progressed = []
        for step in session.scalars(progressed_steps.order_by(Patient.code, TreatmentStep.order)
                                    .limit(DIGEST_ROWS)):
            position, count = plan_position(session, step)
            following = session.scalar(select(TreatmentStep.name).where(
                TreatmentStep.patient_id == step.patient_id, TreatmentStep.is_active.is_(True)))
            progressed.append({"patient_code": step.patient.code,
                               "patient_name": step.patient.full_name, "step_name": step.name,
                               "order": position, "step_count": count,
                               "next_step_name": following})
        late_steps = select(TreatmentStep).join(Patient).where(
            Patient.doctor_id == doctor.id, finished_condition(today),
            TreatmentStep.due_date <= today - timedelta(days=late_after))
        late = [
            {"patient_code": step.patient.code, "patient_name": step.patient.full_name,
             "step_name": step.name, "due_date": step.due_date,
             "days_late": (today - step.due_date).days}
            for step in session.scalars(
                late_steps.order_by(TreatmentStep.due_date, Patient.code).limit(DIGEST_ROWS))
            if step.due_date is not None
        ]
        undelivered_notes = (
            select(Notification).join(Patient, Patient.id == Notification.patient_id)
            .where(Patient.doctor_id == doctor.id,
                   Notification.status.in_([outbox.STATUS_FAILED,
                                            outbox.STATUS_NEEDS_ATTENTION]),
                   Notification.doctor_id.is_(None)))
        undelivered = [
            {"patient_code": patient.code, "patient_name": patient.full_name,
             "reason": note.last_error.removeprefix("Not sent: ").rstrip(".")}
            for note, patient in session.execute(
                undelivered_notes.add_columns(Patient).order_by(Patient.code, Notification.id)
                .limit(DIGEST_ROWS))
        ]
        if not (progressed or late or undelivered):
            continue
        result = outbox.queue_email(
            session, kind=outbox.KIND_DOCTOR_DIGEST, key=f"doctor-digest:{doctor.id}:{today}",
            recipient=doctor.email or "", recipient_name=doctor.name,
            language=settings.get(session, "clinic.language"), templates=templates,
            context={"clinic": clinic_context(session), "doctor": {"name": doctor.name},
                     "day": yesterday, "progressed": progressed, "late": late,
                     "undelivered": undelivered,
                     # How many there are in all; each list holds the first DIGEST_ROWS.
                     "progressed_total": _count(session, progressed_steps, progressed),
                     "late_total": _count(session, late_steps, late),
                     "undelivered_total": _count(session, undelivered_notes, undelivered)},
            problem=outbox.address_problem(doctor.email), doctor_id=doctor.id)
        queued += int(result.created)
    return queued


def _count(session: Session, query: Any, shown: list[dict[str, Any]]) -> int:
    if len(shown) < DIGEST_ROWS:
        return len(shown)
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0
