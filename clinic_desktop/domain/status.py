"""The seed's debug listing: every patient's steps with their state, as plain data.

Streamed patient by patient over one query that selects only the columns it shows, so a
clinic group's 100,000 patients take as little memory as thirty.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop.db.models import Patient, TreatmentStep
from clinic_desktop.domain.steps import StepFacts, StepState, days_late, is_finished, state

_BATCH = 2000  # rows fetched at a time


class StepStatus(NamedTuple):  # a tuple: made 100,000s of times, and cheaply
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


_PATIENT = (Patient.id, Patient.code, Patient.first_name, Patient.last_name, Patient.email)
_STEP = (TreatmentStep.order, TreatmentStep.name, TreatmentStep.start_date,
         TreatmentStep.duration_days, TreatmentStep.due_date, TreatmentStep.is_active,
         TreatmentStep.is_completed, TreatmentStep.is_skipped, TreatmentStep.notification_sent,
         TreatmentStep.paused_until)


def patient_statuses(session: Session, today: date, code: str | None = None,
                     ) -> Iterator[PatientStatus]:
    """Each patient (in code order) with their steps (in plan order), one at a time."""
    query = (select(*_PATIENT, *_STEP)
             .outerjoin(TreatmentStep, TreatmentStep.patient_id == Patient.id)
             .order_by(Patient.code, TreatmentStep.order)
             .execution_options(yield_per=_BATCH))
    if code is not None:
        query = query.where(Patient.code == code)
    rows = session.connection().execute(query)  # plain rows: no ORM work per row
    for (_, patient_code, first, last, email), group in itertools.groupby(
            rows, key=lambda row: tuple(row[:5])):
        steps = [_step_status(row, today) for row in group if row.order is not None]
        yield PatientStatus(patient_code, f"{first} {last}".strip(), email, steps)


def _step_status(step: Any, today: date) -> StepStatus:
    facts: StepFacts = step  # a row of the step's columns, read by name as the rules do
    return StepStatus(step.order, step.name, step.start_date, step.duration_days,
                      step.due_date, step.is_active, step.is_completed,
                      is_finished(facts, today), step.notification_sent,
                      state(facts, today).value, days_late(facts, today), step.paused_until)


def column_widths(session: Session) -> dict[str, int]:
    """The widest code, name and "3/24 step name" any patient has: a table can be printed
    aligned while its rows stream, from one aggregate query instead of every row in memory."""
    code, name = session.execute(select(
        func.max(func.length(Patient.code)),
        func.max(func.length(Patient.first_name) + func.length(Patient.last_name) + 1))).one()
    order, step_name = session.execute(select(
        func.max(TreatmentStep.order), func.max(func.length(TreatmentStep.name)))).one()
    steps = len(str(order or 0))
    return {"code": code or 0, "name": name or 0,
            "step": steps * 2 + 2 + (step_name or 0),  # "12/24 " + the name
            "state": max(len(s.value) for s in StepState)}


def json_fields(status: PatientStatus) -> dict[str, object]:
    """One patient of the `status --json` contract: field names are fixed for scripts on
    other PCs."""
    def iso(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {"code": status.code, "name": status.name, "email": status.email, "steps": [
        {"order": s.order, "name": s.name, "start_date": iso(s.start_date),
         "duration_days": s.duration_days, "due_date": iso(s.due_date),
         "is_active": s.is_active, "is_completed": s.is_completed,
         "is_finished": s.is_finished, "notification_sent": s.notification_sent,
         "state": s.state}
        for s in status.steps]}
