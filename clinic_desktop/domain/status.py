"""The seed's debug listing: every patient's steps with their state, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from clinic_desktop.db.models import Patient
from clinic_desktop.domain.steps import days_late, is_finished, state


@dataclass(frozen=True)
class StepStatus:
    order: int
    name: str
    start_date: date | None
    duration_days: int
    due_date: date | None
    is_active: bool
    is_completed: bool
    is_finished: bool
    notification_sent: bool
    state: str
    days_late: int
    paused_until: date | None


@dataclass(frozen=True)
class PatientStatus:
    code: str
    name: str
    email: str | None
    steps: list[StepStatus]

    @property
    def active(self) -> StepStatus | None:
        return next((s for s in self.steps if s.is_active), None)

    @property
    def plan_finished(self) -> bool:
        return bool(self.steps) and all(s.is_completed for s in self.steps)


def patient_statuses(session: Session, today: date, code: str | None = None,
                     ) -> list[PatientStatus]:
    query = select(Patient).options(selectinload(Patient.steps)).order_by(Patient.code)
    if code is not None:
        query = query.where(Patient.code == code)
    result = []
    for patient in session.scalars(query):
        result.append(PatientStatus(patient.code, patient.full_name, patient.email, [
            StepStatus(s.order, s.name, s.start_date, s.duration_days, s.due_date, s.is_active,
                       s.is_completed, is_finished(s, today), s.notification_sent,
                       state(s, today).value, days_late(s, today), s.paused_until)
            for s in patient.steps
        ]))
    return result


def as_json(today: date, statuses: list[PatientStatus]) -> dict[str, object]:
    """The `status --json` contract: field names are fixed for scripts on other PCs."""
    def iso(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {"today": today.isoformat(), "patients": [
        {"code": p.code, "name": p.name, "email": p.email, "steps": [
            {"order": s.order, "name": s.name, "start_date": iso(s.start_date),
             "duration_days": s.duration_days, "due_date": iso(s.due_date),
             "is_active": s.is_active, "is_completed": s.is_completed,
             "is_finished": s.is_finished, "notification_sent": s.notification_sent,
             "state": s.state}
            for s in p.steps]}
        for p in statuses]}
