"""Patients whose address bounces: who they are, and staff confirming an address is right.

Changing the address needs nothing here: an address is bouncing only while it is the one
that bounced (Patient.is_bouncing), so a new address is written to at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop import audit
from clinic_desktop.db.models import Patient
from clinic_desktop.domain.patients import get_patient


@dataclass(frozen=True)
class BouncingAddress:
    patient_code: str
    patient_name: str
    email: str
    reason: str
    since: datetime | None


def bouncing_addresses(session: Session, limit: int = 200) -> list[BouncingAddress]:
    """Patients whose current address bounced, newest bounce first."""
    rows = session.scalars(select(Patient).where(
        Patient.bounced_email.is_not(None),
        func.lower(Patient.email) == func.lower(Patient.bounced_email))
        .order_by(Patient.bounced_at.desc(), Patient.code).limit(limit)).all()
    return [BouncingAddress(p.code, p.full_name, p.email or "", p.bounce_reason, p.bounced_at)
            for p in rows]


def confirm_address(session: Session, patient_code: str) -> bool:
    """Staff checked the address with the patient: mail goes to it again (emails held
    meanwhile are retried from the outbox). False when it was not bouncing."""
    patient = get_patient(session, patient_code)
    if not patient.is_bouncing:
        return False
    before = {"bounced_email": patient.bounced_email, "bounce_reason": patient.bounce_reason}
    patient.bounced_email, patient.bounce_reason, patient.bounced_at = None, "", None
    audit.record(session, "address_confirmed", patient_id=patient.id, entity="patient",
                 entity_id=patient.id, before=before, after={"bounced_email": None},
                 detail=f"{patient.email}: confirmed by staff after it bounced")
    return True
