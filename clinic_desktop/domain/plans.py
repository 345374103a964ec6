"""Plan templates (a named list of steps) and applying one to a patient."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop import audit
from clinic_desktop.db.models import Patient, PlanTemplate, PlanTemplateStep, TreatmentStep
from clinic_desktop.errors import NotFoundError, RuleError, ValidationError


@dataclass(frozen=True)
class StepSpec:
    name: str
    duration_days: int
    instructions: str = ""


def create_template(session: Session, name: str, steps: list[StepSpec],
                    description: str = "") -> PlanTemplate:
    name = name.strip()
    if not name:
        raise ValidationError("A plan template needs a name.")
    if not steps:
        raise ValidationError(f"Plan template {name!r} needs at least one step.")
    for number, spec in enumerate(steps, start=1):
        if spec.duration_days < 1:
            raise ValidationError(f"Step {number} of {name!r} must last at least 1 day.")
    if session.scalar(select(PlanTemplate.id).where(PlanTemplate.name == name)) is not None:
        raise ValidationError(f"A plan template named {name!r} already exists.")
    template = PlanTemplate(name=name, description=description, steps=[
        PlanTemplateStep(order=i, name=s.name, duration_days=s.duration_days,
                         instructions=s.instructions)
        for i, s in enumerate(steps, start=1)
    ])
    session.add(template)
    session.flush()
    audit.record(session, "template_created", entity="plan_template", entity_id=template.id,
                 after={"name": name, "steps": len(steps)})
    return template


def get_template(session: Session, name: str) -> PlanTemplate:
    template = session.scalar(select(PlanTemplate).where(PlanTemplate.name == name))
    if template is None:
        names = session.scalars(select(PlanTemplate.name).order_by(PlanTemplate.name)).all()
        known = ", ".join(repr(n) for n in names) or "none yet"
        raise NotFoundError(f"There is no plan template named {name!r}. Templates: {known}.")
    return template


def list_templates(session: Session) -> list[PlanTemplate]:
    return list(session.scalars(select(PlanTemplate).order_by(PlanTemplate.name)))


def apply_plan(session: Session, patient: Patient, template: PlanTemplate,
               start: date) -> list[TreatmentStep]:
    """Give the patient the template's steps after any they have; the first new one starts.

    A patient whose current plan is still running must finish (or skip) it first: two plans
    running at once would mean two active steps.
    """
    open_steps = session.scalar(select(func.count()).select_from(TreatmentStep).where(
        TreatmentStep.patient_id == patient.id, TreatmentStep.is_completed.is_(False)))
    if open_steps:
        raise RuleError(f"Patient {patient.code} still has {open_steps} step(s) to do. Finish or "
                        "skip them before applying another plan.")
    last = session.scalar(select(func.max(TreatmentStep.order)).where(
        TreatmentStep.patient_id == patient.id)) or 0
    steps = [
        TreatmentStep(patient=patient, order=last + t.order, name=t.name,
                      instructions=t.instructions, duration_days=t.duration_days,
                      plan_name=template.name, is_active=t.order == 1,
                      start_date=start if t.order == 1 else None)
        for t in template.steps
    ]
    session.add_all(steps)
    session.flush()
    audit.record(session, "plan_applied", patient_id=patient.id, entity="patient",
                 entity_id=patient.id,
                 after={"template": template.name, "start": start, "steps": len(steps)})
    return steps
