"""One patient as the window shows them (details, steps, photos, emails, history), and what
staff do on that page, each change in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import AuditEvent, Notification, Patient, Photo, TreatmentStep
from clinic_desktop.domain import bounces, email_actions, plans, progression
from clinic_desktop.domain.patients import get_patient
from clinic_desktop.domain.photo_sets import held_photos
from clinic_desktop.domain.steps import days_late, state
from clinic_desktop.errors import RuleError
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

HISTORY_LINES = 500  # the newest; the audit export has them all


@dataclass(frozen=True)
class PatientDetails:
    email: str
    consent: bool
    phone: str
    language: str
    doctor: str
    bouncing: str  # why mail to the address comes back; "" = it does not


@dataclass(frozen=True)
class StepRow:
    id: int
    order: int
    name: str
    start: date | None
    due: date | None
    duration: int
    state: str  # domain.steps.StepState's value
    days_late: int
    plan: str


@dataclass(frozen=True)
class StepHead:
    """What the photo timeline heads a step's photos with: the step and when it ran."""

    order: int
    name: str
    state: str
    start: date | None
    end: date | None


@dataclass(frozen=True)
class PhotoRow:
    id: int
    sha256: str
    step: StepHead | None
    taken_at: datetime | None
    taken_day: date | None  # in the clinic's days
    name: str  # the file's original name
    view: str  # front, left, … ("" = not known)
    held: tuple[str, ...]  # the quality gate's issue codes; () = not held
    retake: str  # the status of the email asking for a better photo; "" = none asked
    completed: bool  # this photo completed its step
    by_email: bool


@dataclass(frozen=True)
class EmailRow:
    id: int
    created: datetime
    kind: str
    status: str
    to: str | None
    subject: str


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str
    pc: str
    what: str  # the audit action
    detail: str | None


@dataclass(frozen=True)
class PatientPage:
    code: str
    name: str
    today: date  # the clinic's day the page was read on
    zone: ZoneInfo
    details: PatientDetails
    steps: tuple[StepRow, ...]
    photos: tuple[PhotoRow, ...]  # in the order taken
    emails: tuple[EmailRow, ...]  # newest first
    history: tuple[HistoryLine, ...]  # newest first, at most HISTORY_LINES


def _ended(step: TreatmentStep, steps: list[TreatmentStep], zone: ZoneInfo) -> date | None:
    """When a step ran until. The active step runs until its due date; a completed one until
    the next step started (written in the clinic's days with the completion, also under
    --today), else the day it was completed."""
    if not step.is_completed:
        return step.due_date
    following = next((t.start_date for t in steps if t.order > step.order
                      and t.start_date and step.start_date
                      and t.start_date >= step.start_date), None)
    return following or (step.completed_at.astimezone(zone).date()
                         if step.completed_at else None)


def load_patient_page(sessions: sessionmaker[Session], code: str, today: date) -> PatientPage:
    """Everything the patient page shows, read in one session (call it in a worker)."""
    with sessions() as session:
        zone = settings.clinic_zone(session)
        p = get_patient(session, code)
        details = PatientDetails(p.email or "", p.email_consent, p.phone or "", p.language,
                                 p.doctor.name if p.doctor else "",
                                 (p.bounce_reason or "-") if p.is_bouncing else "")
        steps = list(p.steps)
        rows = tuple(StepRow(s.id, s.order, s.name, s.start_date, s.due_date, s.duration_days,
                             state(s, today).value, days_late(s, today), s.plan_name)
                     for s in steps)
        heads = {s.id: StepHead(s.order, s.name, row.state, s.start_date,
                                _ended(s, steps, zone))
                 for s, row in zip(steps, rows, strict=True)}
        held = {h.photo_id: h for h in held_photos(session, patient_id=p.id)}
        photos = tuple(
            PhotoRow(ph.id, ph.sha256, heads.get(ph.step_id) if ph.step_id else None,
                     ph.taken_at, ph.taken_at.astimezone(zone).date() if ph.taken_at else None,
                     ph.original_name, ph.view,
                     tuple(held[ph.id].issues) if ph.id in held else (),
                     held[ph.id].retake_status if ph.id in held else "",
                     ph.completed_step, ph.mail_message_id is not None)
            for ph in session.scalars(select(Photo).where(Photo.patient_id == p.id)
                                      .order_by(Photo.taken_at, Photo.id)))
        emails = tuple(
            EmailRow(n.id, n.created_at, n.kind, n.status, n.recipient, n.subject)
            for n in session.scalars(select(Notification).where(Notification.patient_id == p.id)
                                     .order_by(Notification.id.desc())))
        history = tuple(
            HistoryLine(a.at, a.actor, a.host, a.action, a.detail or a.after)
            for a in session.scalars(select(AuditEvent).where(AuditEvent.patient_id == p.id)
                                     .order_by(AuditEvent.id.desc()).limit(HISTORY_LINES)))
        return PatientPage(p.code, p.full_name, today, zone, details, rows, photos, emails,
                           history)


def plan_names(sessions: sessionmaker[Session]) -> list[str]:
    """The plan templates one can apply, by name."""
    with sessions() as session:
        return [t.name for t in plans.list_templates(session)]


# --- staff actions: each opens its own write transaction ------------------------------------

_NO_ACTIVE_STEP = sentence(QT_TRANSLATE_NOOP("core", "{code} has no active step."))
_SELECT_A_STEP = sentence(QT_TRANSLATE_NOOP(
    "core", "Select a step first (this patient has no active step)."))


def _step(session: Session, patient: Patient, step_id: int | None) -> TreatmentStep:
    """The step with this id, or with None the active one."""
    step = session.get(TreatmentStep, step_id) if step_id else \
        progression.active_step(session, patient.id)
    if step is None:
        raise RuleError(_SELECT_A_STEP())
    return step


def complete_now(sessions: sessionmaker[Session], code: str, today: date) -> bool:
    """Complete the active step today (the next one starts); True when the plan is finished."""
    with write_session(sessions) as session:
        patient = get_patient(session, code)
        step = progression.active_step(session, patient.id)
        if step is None:
            raise RuleError(_NO_ACTIVE_STEP(code=patient.code))
        return progression.complete_early(session, step, today).plan_finished


def skip(sessions: sessionmaker[Session], code: str, step_id: int | None, today: date) -> None:
    with write_session(sessions) as session:
        patient = get_patient(session, code)
        progression.skip_step(session, _step(session, patient, step_id), today)


def pause(sessions: sessionmaker[Session], code: str, until: date, today: date) -> None:
    """Pause the active step until `until`: its due date moves by the days paused."""
    with write_session(sessions) as session:
        patient = get_patient(session, code)
        progression.pause_step(session, _step(session, patient, None), until, today)


def resume(sessions: sessionmaker[Session], code: str, today: date) -> None:
    with write_session(sessions) as session:
        patient = get_patient(session, code)
        progression.resume_step(session, _step(session, patient, None), today)


def set_duration(sessions: sessionmaker[Session], code: str, step_id: int | None,
                 days: int) -> None:
    with write_session(sessions) as session:
        patient = get_patient(session, code)
        progression.set_duration(session, _step(session, patient, step_id), days)


def move(sessions: sessionmaker[Session], code: str, step_id: int, position: int) -> None:
    """Move a step that has not started to `position` among those (1 = next)."""
    with write_session(sessions) as session:
        patient = get_patient(session, code)
        progression.move_step(session, _step(session, patient, step_id), position)


def add_step(sessions: sessionmaker[Session], code: str, name: str, days: int,
             instructions: str, today: date) -> None:
    with write_session(sessions) as session:
        progression.add_step(session, get_patient(session, code), name, days, instructions,
                             today)


def undo(sessions: sessionmaker[Session], code: str) -> int:
    """Make the last completed step active again; its number."""
    with write_session(sessions) as session:
        return progression.undo_last_progression(session, get_patient(session, code)).order


def remind_now(sessions: sessionmaker[Session], code: str, today: date) -> str:
    """Queue a photo reminder now; what happened, as a sentence."""
    with write_session(sessions) as session:
        return email_actions.queue_reminder_now(session, get_patient(session, code), today)


def apply_plan(sessions: sessionmaker[Session], code: str, plan: str, start: date) -> None:
    """Give the patient copies of the plan's steps, the first starting on `start`."""
    with write_session(sessions) as session:
        plans.apply_plan(session, get_patient(session, code), plans.get_template(session, plan),
                         start)


def confirm_address(sessions: sessionmaker[Session], code: str) -> None:
    """Staff checked the bouncing address with the patient: send to it again."""
    with write_session(sessions) as session:
        bounces.confirm_address(session, code)
