"""The outbox: each email a state change causes, written in the same transaction, at most once."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from clinic_desktop.db.models import Notification, Patient, TreatmentStep, utcnow

KIND_STEP_FINISHED = "step_finished"
KIND_STEP_STARTED = "step_started"

STATUS_QUEUED = "queued"
STATUS_SENT = "sent"
STATUS_FAILED = "failed"
STATUS_NEEDS_ATTENTION = "needs_attention"
STATUS_CANCELLED = "cancelled"

# The seed's subjects, exactly.
_SUBJECTS = {
    KIND_STEP_FINISHED: "📸 Treatment Step '{step_name}' Completed - Photo Required",
    KIND_STEP_STARTED: "🎯 New Treatment Step Started: '{step_name}'",
}


def subject_for(kind: str, step_name: str) -> str:
    return _SUBJECTS[kind].format(step_name=step_name)


def dedupe_key(kind: str, step_id: int) -> str:
    """One email of a kind per step, whichever PC or process queues it."""
    prefix = {KIND_STEP_FINISHED: "step-finished", KIND_STEP_STARTED: "step-started"}[kind]
    return f"{prefix}:{step_id}"


def recipient_problem(patient: Patient) -> str | None:
    """Why this patient cannot be emailed, in staff's words; None when they can."""
    if not patient.email:
        return "the patient has no email address"
    if not patient.email_consent:
        return "the patient has not agreed to receive emails"
    try:
        validate_email(patient.email, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"the email address {patient.email!r} is not valid ({exc})"
    return None


@dataclass(frozen=True)
class Queued:
    """What queue_step_email did: `created` is False when the key was already taken."""

    created: bool
    status: str
    reason: str = ""


def queue_step_email(session: Session, kind: str, patient: Patient,
                     step: TreatmentStep) -> Queued:
    """Put a step email in the outbox unless one with the same dedupe key exists.

    A patient who cannot be emailed gets a `needs_attention` row with the reason instead,
    so staff see it; it holds the same key, so the email is never also queued twice.
    """
    problem = recipient_problem(patient)
    status = STATUS_NEEDS_ATTENTION if problem else STATUS_QUEUED
    values = {
        "kind": kind,
        "dedupe_key": dedupe_key(kind, step.id),
        "patient_id": patient.id,
        "step_id": step.id,
        "recipient": patient.email or "",
        "subject": subject_for(kind, step.name),
        "status": status,
        "attempts": 0,
        "last_error": f"Not sent: {problem}." if problem else "",
        "message_id": "",
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (insert(Notification.__table__).values(**values)
                 .on_conflict_do_nothing(index_elements=["dedupe_key"])
                 .returning(Notification.__table__.c.id))
    # RETURNING yields the new id, or nothing when another scan or PC got there first.
    created = session.execute(statement).scalar() is not None
    return Queued(created=created, status=status, reason=problem or "")


def drop_unsent(session: Session, kind: str, step_id: int) -> bool:
    """Remove a step email that has not gone out yet (used when a progression is undone)."""
    row = session.scalar(select(Notification).where(
        Notification.dedupe_key == dedupe_key(kind, step_id)))
    if row is None or row.status not in (STATUS_QUEUED, STATUS_NEEDS_ATTENTION):
        return False
    session.delete(row)
    return True
