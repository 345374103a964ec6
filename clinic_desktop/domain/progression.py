"""Moving a patient through the step plan: complete, activate next, skip, pause, reorder, undo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop import audit
from clinic_desktop.db.models import Patient, Photo, TreatmentStep, utcnow
from clinic_desktop.domain.steps import MAX_PAUSE_DAYS, check_step_days, is_finished, is_paused
from clinic_desktop.errors import RuleError, ValidationError
from clinic_desktop.notify import outbox
from clinic_desktop.notify.render import BY_PHOTO, BY_SKIP, BY_STAFF
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

_NOT_HELD = sentence(QT_TRANSLATE_NOOP(
    "core", "Photo {n} was not held: it passed the quality check."))
_ACCEPTED_ALREADY = sentence(QT_TRANSLATE_NOOP(
    "core", "Photo {n} was accepted already, by {who} on {day}."))
_NOT_ACTIVE = sentence(QT_TRANSLATE_NOOP(
    "core", "Step {n} '{step}' is not the patient's active step."))
_COMPLETED_ALREADY = sentence(QT_TRANSLATE_NOOP("core", "Step {n} '{step}' is already completed."))
_ONLY_ACTIVE_PAUSES = sentence(QT_TRANSLATE_NOOP(
    "core", "Only the active step can be paused; step {n} is not active."))
_PAUSE_NOT_AFTER_TODAY = sentence(QT_TRANSLATE_NOOP(
    "core", "Pause until {day} is not after today ({day_today}); choose a later date."))
_PAUSE_TOO_LONG = sentence(QT_TRANSLATE_NOOP(
    "core", "A pause can last at most {n_most} days (2 years); {day} is {n} days after today "
    "({day_today})."))
_PAUSED_ALREADY = sentence(QT_TRANSLATE_NOOP("core", "The step is already paused until {day}."))
_NOT_PAUSED = sentence(QT_TRANSLATE_NOOP("core", "Step {n} '{step}' is not paused."))
_DURATION_IS_HISTORY = sentence(QT_TRANSLATE_NOOP(
    "core", "Step {n} '{step}' is completed; its duration is history."))
_HAS_STARTED = sentence(QT_TRANSLATE_NOOP(
    "core", "Step {n} '{step}' has started; only steps that have not started can be moved."))
_NO_SUCH_POSITION = sentence(QT_TRANSLATE_NOOP(
    "core", "Position must be from 1 to {n} among the steps that have not started."))
_NO_STEP_NAME = sentence(QT_TRANSLATE_NOOP("core", "A step needs a name."))
_NOTHING_TO_UNDO = sentence(QT_TRANSLATE_NOOP(
    "core", "Patient {code} has no completed step to undo."))
_ANNOUNCED = sentence(QT_TRANSLATE_NOOP(
    "core", "Step {n} '{step}' has already been announced as finished to the patient; the "
    "progression cannot be undone."))


def snapshot(step: TreatmentStep) -> dict[str, Any]:
    """The fields an audit event shows before and after a change."""
    return {
        "order": step.order, "name": step.name, "duration_days": step.duration_days,
        "start_date": step.start_date, "is_active": step.is_active,
        "is_completed": step.is_completed, "is_skipped": step.is_skipped,
        "paused_until": step.paused_until, "paused_days": step.paused_days,
        "notification_sent": step.notification_sent,
    }


def active_step(session: Session, patient_id: int) -> TreatmentStep | None:
    return session.scalar(select(TreatmentStep).where(
        TreatmentStep.patient_id == patient_id, TreatmentStep.is_active.is_(True)))


def step_by_order(session: Session, patient_id: int, order: int) -> TreatmentStep | None:
    """The patient's step with this number (as staff and the plan count them)."""
    return session.scalar(select(TreatmentStep).where(TreatmentStep.patient_id == patient_id,
                                                      TreatmentStep.order == order))


def pending_steps(session: Session, patient_id: int) -> list[TreatmentStep]:
    return list(session.scalars(select(TreatmentStep).where(
        TreatmentStep.patient_id == patient_id, TreatmentStep.is_active.is_(False),
        TreatmentStep.is_completed.is_(False)).order_by(TreatmentStep.order)))


def plan_is_finished(session: Session, patient_id: int) -> bool:
    """True when the patient has steps and every one is completed or skipped."""
    steps = session.scalars(select(TreatmentStep.is_completed).where(
        TreatmentStep.patient_id == patient_id)).all()
    return bool(steps) and all(steps)


@dataclass(frozen=True)
class Progression:
    completed_step_id: int
    next_step_id: int | None
    plan_finished: bool
    started_email: outbox.Queued | None


def advance(session: Session, step: TreatmentStep, today: date, *, reason: str,
            progressed_by: str, skipped: bool = False) -> Progression:
    """Complete the active step and start the next one today, queueing its email.

    This is the one implementation of "advance a step": photo import, --auto-progress,
    staff completing early and skipping all come here. `progressed_by` (render.BY_*) makes
    every email about it say what happened.
    """
    if not step.is_active or step.is_completed:
        raise RuleError(_NOT_ACTIVE(n=step.order, step=step.name))
    patient = step.patient
    before = snapshot(step)
    step.is_active = False
    step.is_completed = True
    step.is_skipped = skipped
    step.completed_at = utcnow()
    # The one-active-step index is checked per row: switch the old step off first.
    session.flush()
    audit.record(session, "step_skipped" if skipped else "step_completed", patient_id=patient.id,
                 entity="treatment_step", entity_id=step.id, before=before,
                 after=snapshot(step), detail=reason)
    outbox.step_ended(session, patient, step, progressed_by)

    upcoming = pending_steps(session, patient.id)
    if not upcoming:
        audit.record(session, "plan_finished", patient_id=patient.id, entity="patient",
                     entity_id=patient.id, detail=f"last step {step.order} '{step.name}'")
        outbox.queue_doctor_progress(session, patient, step, None, progressed_by)
        return Progression(step.id, None, True, None)
    nxt = upcoming[0]
    before_next = snapshot(nxt)
    nxt.is_active = True
    nxt.start_date = today
    nxt.paused_until = None
    nxt.paused_days = 0
    session.flush()
    email = outbox.queue_step_email(session, outbox.KIND_STEP_STARTED, patient, nxt,
                                    progressed_by=progressed_by)
    outbox.queue_doctor_progress(session, patient, step, nxt, progressed_by)
    audit.record(session, "step_activated", patient_id=patient.id, entity="treatment_step",
                 entity_id=nxt.id, before=before_next, after=snapshot(nxt), detail=reason)
    return Progression(step.id, nxt.id, False, email)


def complete_after_photo(session: Session, step: TreatmentStep, today: date, *,
                         taken_on: date | None = None,
                         confirm_early: bool = False) -> Progression | None:
    """The seed's photo trigger: a finished active step completes; an early photo changes nothing.

    "Finished" is judged on the day the photo was taken (`taken_on`, default today): a photo
    taken before the due date is a progress photo, whenever it arrives. The next step starts
    `today`. Staff may confirm an early completion (`confirm_early`).
    """
    if not step.is_active or step.is_completed:
        return None
    if is_finished(step, taken_on or today):
        return advance(session, step, today, reason="photo received", progressed_by=BY_PHOTO)
    if confirm_early:
        return advance(session, step, today, reason="photo received; completed early by staff",
                       progressed_by=BY_PHOTO)
    return None


def accept_photo(session: Session, photo: Photo, today: date,
                 zone: ZoneInfo) -> Progression | None:
    """Staff accept a photo the quality gate held (photos/quality.py): from now on it counts
    as if it had passed on import. If its step is still the active one, the import's own
    rule runs (complete_after_photo): a step finished on the day the photo was taken
    completes and the next one starts today; an early photo changes nothing else."""
    # Two PCs accepting the same photo at once: the second waits, then finds it accepted.
    session.refresh(photo, with_for_update=True)
    if not photo.quality_issue:
        raise RuleError(_NOT_HELD(n=photo.id))
    if photo.quality_accepted_at is not None:
        raise RuleError(_ACCEPTED_ALREADY(
            n=photo.id, who=photo.quality_accepted_by,
            day=photo.quality_accepted_at.astimezone(zone).date().isoformat()))
    before = {"quality_issue": photo.quality_issue, "quality_accepted_at": None}
    photo.quality_accepted_at = utcnow()
    photo.quality_accepted_by = audit.actor_name()
    audit.record(session, "photo_accepted", patient_id=photo.patient_id, entity="photo",
                 entity_id=photo.id, before=before,
                 after={"quality_accepted_at": photo.quality_accepted_at,
                        "quality_accepted_by": photo.quality_accepted_by},
                 detail=f"{photo.original_name}: held as {photo.quality_issue}, accepted "
                 "by staff")
    outbox.withdraw_photo_retake(session, photo.id)
    step = session.get(TreatmentStep, photo.step_id) if photo.step_id else None
    if step is None:
        return None
    taken_on = min(photo.taken_at.astimezone(zone).date(), today) if photo.taken_at \
        else today
    progression = complete_after_photo(session, step, today, taken_on=taken_on)
    if progression is not None:
        photo.completed_step = True
    return progression


def complete_early(session: Session, step: TreatmentStep, today: date) -> Progression:
    return advance(session, step, today, reason="completed early by staff",
                   progressed_by=BY_STAFF)


def skip_step(session: Session, step: TreatmentStep, today: date) -> Progression | None:
    """Skip the active step (the next one starts) or a step that has not started yet."""
    if step.is_completed:
        raise RuleError(_COMPLETED_ALREADY(n=step.order, step=step.name))
    if step.is_active:
        return advance(session, step, today, reason="skipped by staff", progressed_by=BY_SKIP,
                       skipped=True)
    before = snapshot(step)
    step.is_completed = True
    step.is_skipped = True
    step.completed_at = utcnow()
    audit.record(session, "step_skipped", patient_id=step.patient_id, entity="treatment_step",
                 entity_id=step.id, before=before, after=snapshot(step),
                 detail="skipped before it started")
    return None


def pause_step(session: Session, step: TreatmentStep, until: date, today: date) -> None:
    """Pause the active step until a date; its due date moves on by the paused days."""
    if not step.is_active:
        raise RuleError(_ONLY_ACTIVE_PAUSES(n=step.order))
    if until <= today:
        raise ValidationError(_PAUSE_NOT_AFTER_TODAY(day=until.isoformat(),
                                                     day_today=today.isoformat()))
    if (until - today).days > MAX_PAUSE_DAYS:
        raise ValidationError(_PAUSE_TOO_LONG(n_most=MAX_PAUSE_DAYS, day=until.isoformat(),
                                              n=(until - today).days,
                                              day_today=today.isoformat()))
    before = snapshot(step)
    # Extending a pause counts only the new days.
    pause_from = step.paused_until if is_paused(step, today) else today
    assert pause_from is not None
    if until <= pause_from:
        raise ValidationError(_PAUSED_ALREADY(day=pause_from.isoformat()))
    step.paused_days += (until - pause_from).days
    step.paused_until = until
    session.flush()
    audit.record(session, "step_paused", patient_id=step.patient_id, entity="treatment_step",
                 entity_id=step.id, before=before, after=snapshot(step))


def resume_step(session: Session, step: TreatmentStep, today: date) -> None:
    """End a pause today; days not paused after all are given back."""
    if not is_paused(step, today):
        raise RuleError(_NOT_PAUSED(n=step.order, step=step.name))
    assert step.paused_until is not None
    before = snapshot(step)
    step.paused_days -= (step.paused_until - today).days
    step.paused_until = today
    session.flush()
    audit.record(session, "step_resumed", patient_id=step.patient_id, entity="treatment_step",
                 entity_id=step.id, before=before, after=snapshot(step))


def set_duration(session: Session, step: TreatmentStep, days: int) -> None:
    check_step_days(days)
    if step.is_completed:
        raise RuleError(_DURATION_IS_HISTORY(n=step.order, step=step.name))
    before = snapshot(step)
    step.duration_days = days
    session.flush()
    audit.record(session, "step_edited", patient_id=step.patient_id, entity="treatment_step",
                 entity_id=step.id, before=before, after=snapshot(step))


def move_step(session: Session, step: TreatmentStep, new_position: int) -> None:
    """Reorder steps that have not started: `new_position` is 1-based among those steps."""
    if step.is_active or step.is_completed:
        raise RuleError(_HAS_STARTED(n=step.order, step=step.name))
    pending = pending_steps(session, step.patient_id)
    if not 1 <= new_position <= len(pending):
        raise ValidationError(_NO_SUCH_POSITION(n=len(pending)))
    slots = [s.order for s in pending]
    pending.remove(step)
    pending.insert(new_position - 1, step)
    before = [(s.id, s.order) for s in pending]
    # Two passes: the (patient, order) unique constraint must hold after every row.
    for i, s in enumerate(pending):
        s.order = -(i + 1)
    session.flush()
    for s, order in zip(pending, slots, strict=True):
        s.order = order
    session.flush()
    audit.record(session, "steps_reordered", patient_id=step.patient_id, entity="treatment_step",
                 entity_id=step.id, before=before, after=[(s.id, s.order) for s in pending])


def add_step(session: Session, patient: Patient, name: str, duration_days: int,
             instructions: str, today: date) -> TreatmentStep:
    """Append a step; with no active or waiting step left it starts today."""
    name = name.strip()
    if not name:
        raise ValidationError(_NO_STEP_NAME())
    check_step_days(duration_days)
    last = session.scalar(select(TreatmentStep.order).where(
        TreatmentStep.patient_id == patient.id).order_by(TreatmentStep.order.desc()).limit(1))
    starts_now = active_step(session, patient.id) is None and not pending_steps(session,
                                                                                patient.id)
    step = TreatmentStep(patient=patient, order=(last or 0) + 1, name=name,
                         duration_days=duration_days, instructions=instructions,
                         is_active=starts_now, start_date=today if starts_now else None)
    session.add(step)
    session.flush()
    audit.record(session, "step_added", patient_id=patient.id, entity="treatment_step",
                 entity_id=step.id, after=snapshot(step))
    return step


def undo_last_progression(session: Session, patient: Patient) -> TreatmentStep:
    """Make the last completed step active again; the step it started goes back to waiting.

    Its "new step started" email is withdrawn if it has not been sent yet.
    """
    current = active_step(session, patient.id)
    # A step skipped before it ever started has no start date and cannot become active again.
    query = select(TreatmentStep).where(TreatmentStep.patient_id == patient.id,
                                        TreatmentStep.is_completed.is_(True),
                                        TreatmentStep.start_date.is_not(None))
    if current is not None:
        query = query.where(TreatmentStep.order < current.order)
    previous = session.scalar(query.order_by(TreatmentStep.order.desc()).limit(1))
    if previous is None:
        raise RuleError(_NOTHING_TO_UNDO(code=patient.code))
    if current is not None and current.notification_sent:
        raise RuleError(_ANNOUNCED(n=current.order, step=current.name))
    before = {"previous": snapshot(previous),
              "current": snapshot(current) if current is not None else None}
    if current is not None:
        current.is_active = False
        current.start_date = None
        current.paused_until = None
        current.paused_days = 0
        session.flush()
        outbox.drop_unsent(session, outbox.KIND_STEP_STARTED, current.id)
    outbox.drop_unsent(session, outbox.KIND_DOCTOR_PROGRESS, previous.id)
    previous.is_completed = False
    previous.is_skipped = False
    previous.completed_at = None
    previous.is_active = True
    session.flush()
    outbox.step_reopened(session, patient, previous)
    audit.record(session, "progression_undone", patient_id=patient.id, entity="treatment_step",
                 entity_id=previous.id, before=before,
                 after={"previous": snapshot(previous),
                        "current": snapshot(current) if current is not None else None})
    return previous
