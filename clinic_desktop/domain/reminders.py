"""Daily follow-ups: photo reminders to patients and the doctors' digest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import audit, settings
from clinic_desktop.db.engine import rehearsal, write_session
from clinic_desktop.db.models import Doctor, Notification, Patient, Photo, TreatmentStep
from clinic_desktop.domain.steps import finished_condition
from clinic_desktop.notify import outbox, render
from clinic_desktop.notify.context import (
    clinic_context,
    patient_context,
    plan_position,
    step_context,
)


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
    with write_session(sessions) as session:
        report.reminders = queue_photo_reminders(session, today, should_stop=stopping)
        if not stopping():
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
    rows = session.execute(
        select(TreatmentStep, Notification.sent_at)
        .join(Notification, (Notification.step_id == TreatmentStep.id)
              & (Notification.kind == outbox.KIND_STEP_FINISHED))
        .where(finished_condition(today), Notification.status == outbox.STATUS_SENT)
    ).all()
    queued = 0
    templates = render.templates_for(session)
    for step, told_at in rows:
        if should_stop is not None and should_stop():
            break
        if told_at is None:
            continue
        photo_since = session.scalar(select(func.count()).select_from(Photo).where(
            Photo.step_id == step.id, Photo.imported_at >= told_at))
        if photo_since:
            continue
        number, last_sent, blocker = reminder_state(session, step.id)
        if blocker or number > most:
            continue
        since = _clinic_day(last_sent or told_at, zone)
        if today < since + timedelta(days=every):
            continue
        waiting = (today - _clinic_day(told_at, zone)).days
        if queue_reminder(session, step, number, waiting, templates).created:
            queued += 1
    return queued


def reminder_state(session: Session, step_id: int) -> tuple[int, datetime | None, str]:
    """(the next reminder's number, when the last one was sent, why none may be queued now).

    The reason is "" when the next may go; else a sentence for staff: the last reminder is
    still waiting to be sent, or could not be delivered.
    """
    last = session.scalar(select(Notification).where(
        Notification.step_id == step_id, Notification.kind == outbox.KIND_PHOTO_REMINDER)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(1))
    count = session.scalar(select(func.count()).select_from(Notification).where(
        Notification.step_id == step_id,
        Notification.kind == outbox.KIND_PHOTO_REMINDER)) or 0
    if last is None:
        return 1, None, ""
    if last.status in (outbox.STATUS_QUEUED, outbox.STATUS_SENDING):
        return count + 1, None, "a photo reminder is already waiting to be sent"
    if last.status in (outbox.STATUS_FAILED, outbox.STATUS_NEEDS_ATTENTION):
        return count + 1, None, ("the last photo reminder could not be delivered; fix it and "
                                 "retry it in the outbox first")
    # Sent, or cancelled by staff (then counted from when it was queued).
    return count + 1, last.sent_at or last.created_at, ""


def queue_reminder(session: Session, step: TreatmentStep, number: int, days_waiting: int,
                   templates: render.TemplateSet | None = None) -> outbox.Queued:
    """Queue photo reminder `number` for a step (automatic, or asked for by staff); its
    dedupe key makes a second PC's reminder with the same number impossible."""
    patient: Patient = step.patient
    most = settings.get(session, "notify.max_reminders")
    position, count = plan_position(session, step)
    result = outbox.queue_email(
        session, kind=outbox.KIND_PHOTO_REMINDER, key=f"photo-reminder:{step.id}:{number}",
        recipient=patient.email or "", recipient_name=patient.full_name,
        language=patient.language, templates=templates,
        context={"clinic": clinic_context(session), "patient": patient_context(patient),
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
        progressed = []
        for step in session.scalars(
            select(TreatmentStep).join(Patient).where(
                Patient.doctor_id == doctor.id, TreatmentStep.is_completed.is_(True),
                TreatmentStep.completed_at >= day_start, TreatmentStep.completed_at < day_end)
            .order_by(Patient.code)
        ):
            position, count = plan_position(session, step)
            following = session.scalar(select(TreatmentStep.name).where(
                TreatmentStep.patient_id == step.patient_id, TreatmentStep.is_active.is_(True)))
            progressed.append({"patient_code": step.patient.code,
                               "patient_name": step.patient.full_name, "step_name": step.name,
                               "order": position, "step_count": count,
                               "next_step_name": following})
        late = [
            {"patient_code": step.patient.code, "patient_name": step.patient.full_name,
             "step_name": step.name, "due_date": step.due_date,
             "days_late": (today - step.due_date).days}
            for step in session.scalars(
                select(TreatmentStep).join(Patient).where(
                    Patient.doctor_id == doctor.id, finished_condition(today),
                    TreatmentStep.due_date <= today - timedelta(days=late_after))
                .order_by(TreatmentStep.due_date, Patient.code))
            if step.due_date is not None
        ]
        undelivered = [
            {"patient_code": patient.code, "patient_name": patient.full_name,
             "reason": note.last_error.removeprefix("Not sent: ").rstrip(".")}
            for note, patient in session.execute(
                select(Notification, Patient).join(Patient, Patient.id ==
                                                   Notification.patient_id)
                .where(Patient.doctor_id == doctor.id,
                       Notification.status.in_([outbox.STATUS_FAILED,
                                                outbox.STATUS_NEEDS_ATTENTION]),
                       Notification.doctor_id.is_(None))
                .order_by(Patient.code))
        ]
        if not (progressed or late or undelivered):
            continue
        result = outbox.queue_email(
            session, kind=outbox.KIND_DOCTOR_DIGEST, key=f"doctor-digest:{doctor.id}:{today}",
            recipient=doctor.email or "", recipient_name=doctor.name,
            language=settings.get(session, "clinic.language"), templates=templates,
            context={"clinic": clinic_context(session), "doctor": {"name": doctor.name},
                     "day": yesterday, "progressed": progressed, "late": late,
                     "undelivered": undelivered},
            problem=outbox.address_problem(doctor.email), doctor_id=doctor.id)
        queued += int(result.created)
    return queued
