"""What email templates see: plain dicts built from the database, never ORM objects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop import settings
from clinic_desktop.db.models import Patient, TreatmentStep
from clinic_desktop.notify.render import BY_PHOTO


def clinic_context(session: Session) -> dict[str, Any]:
    return {
        "name": settings.get(session, "clinic.name"),
        "phone": settings.get(session, "clinic.phone"),
        "email": settings.get(session, "clinic.email"),
        "address": settings.get(session, "clinic.address"),
        # Only the clinic's own logo is shown: a stock image adds nothing for the patient
        # and short HTML with an image scores as spam (SpamAssassin HTML_IMAGE_ONLY_*).
        "has_logo": bool(settings.get(session, "clinic.logo")),
    }


def patient_context(patient: Patient) -> dict[str, Any]:
    return {"code": patient.code, "first_name": patient.first_name or patient.full_name,
            "last_name": patient.last_name, "full_name": patient.full_name}


def step_context(step: TreatmentStep, position: int | None = None) -> dict[str, Any]:
    return {"order": position or step.order, "name": step.name,
            "duration_days": step.duration_days, "instructions": step.instructions,
            "start_date": step.start_date, "due_date": step.due_date}


def plan_position(session: Session, step: TreatmentStep) -> tuple[int, int]:
    """("step 3 of 24") within the plan the step belongs to, not across all plans."""
    return plan_positions(session, [step])[step.id]


def plan_positions(session: Session, steps: Sequence[TreatmentStep],
                   ) -> dict[int, tuple[int, int]]:
    """plan_position of many steps, from one query per 500 patients."""
    patient_ids = sorted({step.patient_id for step in steps})
    plans: dict[tuple[int, str], list[int]] = defaultdict(list)
    for start in range(0, len(patient_ids), 500):
        for patient_id, order, plan in session.execute(
                select(TreatmentStep.patient_id, TreatmentStep.order, TreatmentStep.plan_name)
                .where(TreatmentStep.patient_id.in_(patient_ids[start:start + 500]))
                .order_by(TreatmentStep.patient_id, TreatmentStep.order)):
            plans[patient_id, plan].append(order)
    return {step.id: _place(plans[step.patient_id, step.plan_name], step.order)
            for step in steps}


def _patient_steps(session: Session, patient_id: int) -> list[TreatmentStep]:
    return list(session.scalars(select(TreatmentStep).where(
        TreatmentStep.patient_id == patient_id).order_by(TreatmentStep.order)))


def _position(steps: list[TreatmentStep], step: TreatmentStep) -> tuple[int, int]:
    return _place([s.order for s in steps if s.plan_name == step.plan_name], step.order)


def _place(orders: list[int], order: int) -> tuple[int, int]:
    """(position, count) of a step among its plan's step orders."""
    return (orders.index(order) + 1 if order in orders else order), len(orders)


def step_email_context(session: Session, patient: Patient, step: TreatmentStep, *,
                       progressed_by: str = BY_PHOTO, next_started: bool = False
                       ) -> dict[str, Any]:
    """A patient's step email: `progressed_by` says how the step before ended (new step
    started); `next_started` that the next step already began (photo required)."""
    # One query for the whole plan: position, count, next and previous step come from it.
    plan = _patient_steps(session, patient.id)

    def position(of: TreatmentStep) -> int:
        return _position(plan, of)[0]

    following = next((s for s in plan if s.order > step.order and not s.is_completed), None)
    previous = next((s for s in reversed(plan) if s.order < step.order and s.is_completed),
                    None)
    return {
        "clinic": clinic_context(session),
        "patient": patient_context(patient),
        "step": step_context(step, position(step)),
        "step_count": _position(plan, step)[1],
        "next_step": (step_context(following, position(following))
                      if following is not None and following.plan_name == step.plan_name
                      else None),
        "previous_step": (step_context(previous, position(previous))
                          if previous is not None else None),
        "progressed_by": progressed_by,
        "next_started": next_started,
    }
