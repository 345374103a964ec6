"""What the Today view shows: each list of patients needing something, as plain rows.

A row carries facts (which step, which day, which email), not sentences: the UI phrases them
in the staff's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from clinic_desktop import settings
from clinic_desktop.db.models import InboxItem, Notification, Patient, TreatmentStep
from clinic_desktop.domain.bounces import BouncingAddress, bouncing_addresses
from clinic_desktop.domain.emailed_photos import EmailedPhotos, emailed_photos
from clinic_desktop.domain.photo_sets import HeldPhoto, held_photos
from clinic_desktop.domain.steps import finished_condition
from clinic_desktop.notify import outbox


@dataclass(frozen=True)
class StepRow:
    """A finished step waiting for its photo, or the last step of a plan ending soon."""

    patient_code: str
    patient_name: str
    step_order: int
    step_name: str
    due: date
    days_late: int = 0


@dataclass(frozen=True)
class EmailRow:
    """A failed or held email: its kind and status (notify.outbox names) and the reason as
    recorded (the mail server's answer, or why it was held)."""

    patient_code: str  # "" for an email to a doctor
    patient_name: str  # or the recipient's name
    kind: str
    status: str
    reason: str
    ref_id: int


@dataclass(frozen=True)
class PhotoRow:
    """A photo in the inbox: unmatched (no patient found) or refused (with the reason)."""

    file_name: str
    status: str
    reason: str
    ref_id: int


@dataclass
class Overview:
    today: date
    due_today: list[StepRow] = field(default_factory=list)
    awaiting_photo: list[StepRow] = field(default_factory=list)
    late: list[StepRow] = field(default_factory=list)
    emails_need_attention: list[EmailRow] = field(default_factory=list)
    unmatched_photos: list[PhotoRow] = field(default_factory=list)
    held_photos: list[HeldPhoto] = field(default_factory=list)  # by the quality gate
    plans_ending: list[StepRow] = field(default_factory=list)
    photos_by_email: list[EmailedPhotos] = field(default_factory=list)  # the last 7 days
    bouncing_addresses: list[BouncingAddress] = field(default_factory=list)
    late_after_days: int = 3
    patients: int = 0  # none yet: a new clinic, Today shows how to start


def today_overview(session: Session, today: date, limit: int = 500) -> Overview:
    late_after = settings.get(session, "reports.late_after_days")
    result = Overview(today=today, late_after_days=late_after,
                      patients=session.scalar(select(func.count()).select_from(Patient)) or 0)
    name = (Patient.first_name + " " + Patient.last_name).label("name")
    for step, code, full in session.execute(
        select(TreatmentStep, Patient.code, name).join(Patient)
        .where(finished_condition(today)).order_by(TreatmentStep.due_date, Patient.code)
        .limit(limit * 3)
    ):
        if step.due_date is None:  # finished_condition wants one; this tells the type checker
            continue
        days = (today - step.due_date).days
        row = StepRow(code, full, step.order, step.name, step.due_date, days)
        if step.due_date == today:
            result.due_today.append(row)
        elif days >= late_after:
            result.late.append(row)
        else:
            result.awaiting_photo.append(row)
    for note, code, full in session.execute(
        select(Notification, Patient.code, name).outerjoin(Patient, Patient.id ==
                                                           Notification.patient_id)
        .where(Notification.status.in_([outbox.STATUS_FAILED, outbox.STATUS_NEEDS_ATTENTION]))
        .order_by(Notification.created_at.desc()).limit(limit)
    ):
        result.emails_need_attention.append(EmailRow(
            code or "", full or note.recipient_name, note.kind, note.status,
            note.last_error or "", note.id))
    for item in session.scalars(select(InboxItem).where(InboxItem.status.in_(
            ["unmatched", "refused"])).order_by(InboxItem.id).limit(limit)):
        result.unmatched_photos.append(PhotoRow(item.original_name, item.status,
                                                item.reason or "", item.id))
    result.held_photos = held_photos(session, limit=limit)
    # Plans ending this week: the active step is the last one and ends within 7 days.
    later = aliased(TreatmentStep)
    has_later = select(later.id).where(later.patient_id == TreatmentStep.patient_id,
                                       later.order > TreatmentStep.order,
                                       later.is_completed.is_(False)).exists()
    for step, code, full in session.execute(
        select(TreatmentStep, Patient.code, name).join(Patient)
        .where(TreatmentStep.is_active.is_(True), ~has_later,
               TreatmentStep.due_date <= today + timedelta(days=7))
        .order_by(TreatmentStep.due_date).limit(limit)
    ):
        if step.due_date is not None:  # the query wants one; this tells the type checker
            result.plans_ending.append(StepRow(code, full, step.order, step.name,
                                               step.due_date))
    week = datetime.combine(today - timedelta(days=6), time(0), settings.clinic_zone(session))
    result.photos_by_email = emailed_photos(session, week, limit)
    result.bouncing_addresses = bouncing_addresses(session, limit)
    return result
