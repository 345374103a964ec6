"""What patients sent by email lately, for Today: whose photos came in, and what they did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from clinic_desktop.db.models import MailMessage, Patient, Photo


@dataclass(frozen=True)
class EmailedPhotos:
    """One email's photos: how many, and whether one of them completed a step."""

    patient_code: str
    patient_name: str
    photos: int
    received_at: datetime
    completed_step: bool


def emailed_photos(session: Session, since: datetime, limit: int = 200) -> list[EmailedPhotos]:
    """Emails read since `since` that brought a patient's photos, newest first."""
    completed = func.max(case((Photo.completed_step.is_(True), 1), else_=0))
    rows = session.execute(
        select(Patient.code, Patient.first_name, Patient.last_name,
               func.count(Photo.id), MailMessage.handled_at, completed)
        .join(Photo, Photo.mail_message_id == MailMessage.id)
        .join(Patient, Patient.id == Photo.patient_id)
        .where(MailMessage.handled_at >= since)
        .group_by(MailMessage.id, MailMessage.handled_at, Patient.code, Patient.first_name,
                  Patient.last_name)
        .order_by(MailMessage.handled_at.desc()).limit(limit)).all()
    return [EmailedPhotos(code, f"{first} {last}".strip(), count, at, bool(done))
            for code, first, last, count, at, done in rows]
