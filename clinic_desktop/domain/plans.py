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
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence


@dataclass(frozen=True)
class StepSpec:
    name: str
    duration_days: int
    instructions: str = ""


NAME_LENGTH = 200  # plan_template.name and plan_template_step.name are String(200)

_NO_NAME = sentence(QT_TRANSLATE_NOOP("core", "A plan template needs a name."))
_NAME_TOO_LONG = sentence(QT_TRANSLATE_NOOP(
    "core", "A plan template's name can be at most {n_most} characters; this one has {n}."))
_NO_STEPS = sentence(QT_TRANSLATE_NOOP("core", "Plan template {plan} needs at least one step."))
_STEP_OF = sentence(QT_TRANSLATE_NOOP("core", "Step {n} of {plan}"))
_NO_STEP_NAME = sentence(QT_TRANSLATE_NOOP("core", "Step {n} of {plan} needs a name."))
_STEP_NAME_TOO_LONG = sentence(QT_TRANSLATE_NOOP(
    "core", "The name of step {n} of {plan} can be at most {n_most} characters."))
_NAME_TAKEN = sentence(QT_TRANSLATE_NOOP("core", "A plan template named {plan} already exists."))
_GONE = sentence(QT_TRANSLATE_NOOP(
    "core", "That plan template no longer exists; another PC may have deleted it."))
_ONLY_CASE_DIFFERS = sentence(QT_TRANSLATE_NOOP(
    "core", "The plan templates {plan} and {plans} differ only in upper and lower case; type "
    "the name exactly as listed, or rename one of them."))
_NONE_YET = sentence(QT_TRANSLATE_NOOP("core", "none yet"))
_NO_SUCH_PLAN = sentence(QT_TRANSLATE_NOOP(
    "core", "There is no plan template named {plan}. Templates: {plans}."))
_PLAN_RUNNING = sentence(QT_TRANSLATE_NOOP(
    "core", "Patient {code} still has {n} step(s) to do. Finish or skip them before applying "
    "another plan."))


def _checked_name(name: str, steps: list[StepSpec]) -> str:
    """The template's name, stripped, once the name and every step are acceptable."""
    name = name.strip()
    if not name:
        raise ValidationError(_NO_NAME())
    if len(name) > NAME_LENGTH:
        raise ValidationError(_NAME_TOO_LONG(n_most=NAME_LENGTH, n=len(name)))
    if not steps:
        raise ValidationError(_NO_STEPS(plan=repr(name)))
    for number, spec in enumerate(steps, start=1):
        if not spec.name.strip():
            raise ValidationError(_NO_STEP_NAME(n=number, plan=repr(name)))
        if len(spec.name.strip()) > NAME_LENGTH:
            raise ValidationError(_STEP_NAME_TOO_LONG(n=number, plan=repr(name),
                                                      n_most=NAME_LENGTH))
        check_step_days(spec.duration_days, _STEP_OF(n=number, plan=repr(name)))
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
            raise ValidationError(_NAME_TAKEN(plan=repr(taken.name)))


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
            raise NotFoundError(_GONE())
        return found
    typed = name_or_id.strip()
    matches = _same_name(session, typed)
    exact = [t for t in matches if t.name == typed]
    if exact:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValidationError(_ONLY_CASE_DIFFERS(
            plan=repr(matches[0].name), plans=" and ".join(repr(t.name) for t in matches[1:])))
    every = session.scalars(select(PlanTemplate.name).order_by(PlanTemplate.name)).all()
    known = ", ".join(repr(n) for n in every) or _NONE_YET()
    raise NotFoundError(_NO_SUCH_PLAN(plan=repr(typed), plans=known))


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
        raise RuleError(_PLAN_RUNNING(code=patient.code, n=open_steps))
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
