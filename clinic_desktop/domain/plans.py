"""Plan templates (a named list of steps) and applying one to a patient."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop import audit
from clinic_desktop.clock import check_date_range
from clinic_desktop.db.models import Patient, PlanTemplate, PlanTemplateStep, TreatmentStep
from clinic_desktop.domain.steps import check_step_days
from clinic_desktop.errors import NotFoundError, RuleError, ValidationError


@dataclass(frozen=True)
class StepSpec:
    name: str
    duration_days: int
    instructions: str = ""


NAME_LENGTH = 200  # plan_template.name and plan_template_step.name are String(200)


def _checked_name(name: str, steps: list[StepSpec]) -> str:
    """The template's name, stripped, once the name and every step are acceptable."""
    name = name.strip()
    if not name:
        raise ValidationError("A plan template needs a name.")
    if len(name) > NAME_LENGTH:
        raise ValidationError(f"A plan template's name can be at most {NAME_LENGTH} "
                              f"characters; this one has {len(name)}.")
    if not steps:
        raise ValidationError(f"Plan template {name!r} needs at least one step.")
    for number, spec in enumerate(steps, start=1):
        if not spec.name.strip():
            raise ValidationError(f"Step {number} of {name!r} needs a name.")
        if len(spec.name.strip()) > NAME_LENGTH:
            raise ValidationError(f"The name of step {number} of {name!r} can be at most "
                                  f"{NAME_LENGTH} characters.")
        check_step_days(spec.duration_days, f"Step {number} of {name!r}")
    return name


def _same_name(session: Session, name: str) -> list[PlanTemplate]:
    """Templates whose name is `name` when case is ignored (in Python: SQLite's lower() knows
    only English letters). A clinic has a few dozen templates at most."""
    wanted = name.casefold()
    return [t for t in session.scalars(select(PlanTemplate).order_by(PlanTemplate.name))
            if t.name.casefold() == wanted]


def _refuse_taken_name(session: Session, name: str, own_id: int | None = None) -> None:
    # Names that differ only in case would be one name to staff typing it.
    for taken in _same_name(session, name):
        if taken.id != own_id:
            raise ValidationError(f"A plan template named {taken.name!r} already exists.")


def _step_rows(steps: list[StepSpec]) -> list[PlanTemplateStep]:
    return [PlanTemplateStep(order=i, name=s.name.strip(), duration_days=s.duration_days,
                             instructions=s.instructions)
            for i, s in enumerate(steps, start=1)]


def _summary(template: PlanTemplate) -> dict[str, object]:
    """What the audit keeps of a template: enough to tell which version a patient got."""
    return {"name": template.name, "steps": len(template.steps),
            "days": sum(s.duration_days for s in template.steps)}


def create_template(session: Session, name: str, steps: list[StepSpec],
                    description: str = "") -> PlanTemplate:
    name = _checked_name(name, steps)
    _refuse_taken_name(session, name)
    template = PlanTemplate(name=name, description=description.strip(),
                            steps=_step_rows(steps))
    session.add(template)
    session.flush()
    audit.record(session, "template_created", entity="plan_template", entity_id=template.id,
                 after=_summary(template))
    return template


def update_template(session: Session, name_or_id: str | int, new_name: str,
                    steps: list[StepSpec], description: str = "") -> PlanTemplate:
    """Give a template a new name, description and steps.

    Patients who already had the template applied keep their own copies of its steps: the
    change applies to the next patients it is applied to.
    """
    template = get_template(session, name_or_id)
    name = _checked_name(new_name, steps)
    _refuse_taken_name(session, name, template.id)
    before = _summary(template)
    template.name = name
    template.description = description.strip()
    # The old rows go first: the new ones reuse their (template_id, order) pairs, and a
    # flush would insert the new rows before deleting the old.
    template.steps.clear()
    session.flush()
    template.steps.extend(_step_rows(steps))
    session.flush()
    audit.record(session, "template_updated", entity="plan_template", entity_id=template.id,
                 before=before, after=_summary(template))
    return template


def delete_template(session: Session, name_or_id: str | int) -> str:
    """Remove a template (patients' plans made from it stay as they are); returns its name."""
    template = get_template(session, name_or_id)
    before = _summary(template)
    session.delete(template)
    session.flush()
    audit.record(session, "template_deleted", entity="plan_template", entity_id=template.id,
                 before=before)
    return template.name


def get_template(session: Session, name_or_id: str | int) -> PlanTemplate:
    """A template by its name as staff type it (upper or lower case alike) or its id (as a
    list on screen holds it)."""
    if isinstance(name_or_id, int):
        found = session.get(PlanTemplate, name_or_id)
        if found is None:
            raise NotFoundError("That plan template no longer exists; another PC may have "
                                "deleted it.")
        return found
    typed = name_or_id.strip()
    matches = _same_name(session, typed)
    exact = [t for t in matches if t.name == typed]
    if exact:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = " and ".join(repr(t.name) for t in matches)
        raise ValidationError(f"The plan templates {names} differ only in upper and lower case; "
                              "type the name exactly as listed, or rename one of them.")
    every = session.scalars(select(PlanTemplate.name).order_by(PlanTemplate.name)).all()
    known = ", ".join(repr(n) for n in every) or "none yet"
    raise NotFoundError(f"There is no plan template named {typed!r}. Templates: {known}.")


def list_templates(session: Session) -> list[PlanTemplate]:
    return list(session.scalars(select(PlanTemplate).order_by(PlanTemplate.name)))


def apply_plan(session: Session, patient: Patient, template: PlanTemplate,
               start: date) -> list[TreatmentStep]:
    """Give the patient the template's steps after any they have; the first new one starts.

    A patient whose current plan is still running must finish (or skip) it first: two plans
    running at once would mean two active steps.
    """
    check_date_range(start, "plan start date")
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
