"""`plan` (templates, apply, delete-template) and `step` (a patient's steps changed by hand)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from clinic_desktop.cli.args import date_arg, positive_int, step_days
from clinic_desktop.cli.common import Parents, acting_today, actions, iso, open_clinic
from clinic_desktop.errors import ExitCode

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from clinic_desktop.db.models import Patient, TreatmentStep
    from clinic_desktop.domain.progression import Progression


def add_parsers(sub: Any, parents: Parents) -> None:
    common, today = parents.common, parents.today
    p = sub.add_parser("plan", parents=[common], help="plan templates and applying them")
    plsub = actions(p, "plan_command")
    t = plsub.add_parser("templates", parents=[common], help="list plan templates")
    t.add_argument("--steps", action="store_true", help="list each template's steps")
    t.set_defaults(func=cmd_templates)
    a = plsub.add_parser("apply", parents=[common], help="give a patient a plan")
    a.add_argument("--patient", required=True, metavar="CODE")
    a.add_argument("--template", required=True, metavar="NAME")
    a.add_argument("--start", required=True, type=date_arg, metavar="YYYY-MM-DD")
    a.set_defaults(func=cmd_apply)
    d = plsub.add_parser("delete-template", parents=[common], help="delete a plan template "
                         "(patients who had it keep their steps)")
    d.add_argument("name", metavar="NAME")
    d.set_defaults(func=cmd_delete_template)

    p = sub.add_parser("step", parents=[common], help="change a patient's steps by hand")
    stsub = actions(p, "step_command")

    def step_parser(name: str, help_text: str, order: bool = True) -> argparse.ArgumentParser:
        sp = stsub.add_parser(name, parents=[common, today], help=help_text)
        sp.add_argument("--patient", required=True, metavar="CODE")
        if order:
            sp.add_argument("--order", type=positive_int, metavar="N",
                            help="step number (default: the active step)")
        return sp

    step_parser("complete", "complete the active step now (early), start the next")
    step_parser("skip", "skip a step")
    step_parser("pause", "pause the active step").add_argument(
        "--until", required=True, type=date_arg, metavar="YYYY-MM-DD")
    step_parser("resume", "end a pause today")
    step_parser("duration", "change a step's duration").add_argument(
        "--days", required=True, type=step_days)
    step_parser("move", "move a step that has not started").add_argument(
        "--to", required=True, type=positive_int, metavar="POSITION",
        help="position among the steps that have not started (1 = next)")
    step_parser("undo", "undo the last progression", order=False)
    add = step_parser("add", "add a step at the end of the plan", order=False)
    add.add_argument("--name", required=True)
    add.add_argument("--days", required=True, type=step_days)
    add.add_argument("--instructions")
    p.set_defaults(func=cmd_step)


def cmd_templates(args: argparse.Namespace) -> int:
    from clinic_desktop.domain.plans import list_templates

    app = open_clinic(args)
    with app.sessions() as session:
        templates = list_templates(session)
        if not templates:
            print("No plan templates yet.")
        for t in templates:
            total = sum(s.duration_days for s in t.steps)
            print(f"{t.name}: {len(t.steps)} steps, {total} days. {t.description}".rstrip())
            if args.steps:
                for s in t.steps:
                    print(f"   {s.order:>3}. {s.name} ({s.duration_days} days)")
    return ExitCode.OK


def cmd_delete_template(args: argparse.Namespace) -> int:
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.domain.plans import delete_template

    app = open_clinic(args)
    with write_session(app.sessions) as session:
        name = delete_template(session, args.name)
    print(f"Plan template {name!r} deleted. Patients who already have its steps keep them.")
    return ExitCode.OK


def cmd_apply(args: argparse.Namespace) -> int:
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.domain.patients import get_patient
    from clinic_desktop.domain.plans import apply_plan, get_template

    app = open_clinic(args)
    with write_session(app.sessions) as session:
        patient = get_patient(session, args.patient)
        template = get_template(session, args.template)
        steps = apply_plan(session, patient, template, args.start)
    print(f"Plan {template.name!r} applied to {patient.code}: {len(steps)} steps; step 1 "
          f"'{steps[0].name}' starts {args.start.isoformat()} and is due "
          f"{iso(steps[0].due_date)}.")
    return ExitCode.OK


def cmd_step(args: argparse.Namespace) -> int:
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.domain import progression
    from clinic_desktop.domain.patients import get_patient

    app = open_clinic(args)
    today = acting_today(args, app)
    with write_session(app.sessions) as session:
        patient = get_patient(session, args.patient)
        action = args.step_command
        if action == "add":
            step = progression.add_step(session, patient, args.name, args.days,
                                        args.instructions or "", today)
            message = f"Added step {step.order} '{step.name}'" + (
                f", active from {today.isoformat()}." if step.is_active else ".")
        elif action == "undo":
            step = progression.undo_last_progression(session, patient)
            message = f"Undone: step {step.order} '{step.name}' is active again."
        else:
            message = _step_action(session, action, _chosen_step(session, patient, args.order),
                                   args, today)
    print(message)
    return ExitCode.OK


def _chosen_step(session: Session, patient: Patient, order: int | None) -> TreatmentStep:
    """--order N, else the active step."""
    from clinic_desktop.domain.progression import active_step, step_by_order
    from clinic_desktop.errors import NotFoundError, RuleError

    if order is None:
        step = active_step(session, patient.id)
        if step is None:
            raise RuleError(f"Patient {patient.code} has no active step; name one "
                            "with --order N.")
        return step
    step = step_by_order(session, patient.id, order)
    if step is None:
        raise NotFoundError(f"Patient {patient.code} has no step {order}.")
    return step


def _step_action(session: Session, action: str, step: TreatmentStep, args: argparse.Namespace,
                 today: date) -> str:
    from clinic_desktop.domain import progression

    match action:
        case "complete":
            return _progress_message(progression.complete_early(session, step, today))
        case "skip":
            return _progress_message(progression.skip_step(session, step, today),
                                     f"Skipped step {step.order} '{step.name}'.")
        case "pause":
            progression.pause_step(session, step, args.until, today)
            return (f"Step {step.order} paused until {args.until.isoformat()}; now due "
                    f"{iso(step.due_date)}.")
        case "resume":
            progression.resume_step(session, step, today)
            return f"Step {step.order} resumed; due {iso(step.due_date)}."
        case "duration":
            progression.set_duration(session, step, args.days)
            return f"Step {step.order} now lasts {args.days} days; due {iso(step.due_date)}."
        case "move":
            before = _waiting_position(session, step)
            if before == args.to:
                return (f"Step {step.order} '{step.name}' is already at position {before} "
                        "among the steps that have not started; nothing changed.")
            progression.move_step(session, step, args.to)
            after = _waiting_position(session, step)
            return (f"Step '{step.name}' moved from position {before} to {after} among the "
                    f"steps that have not started; it is now step {step.order}.")
    raise AssertionError(f"unknown step action {action!r}")  # argparse allows no other


def _waiting_position(session: Session, step: TreatmentStep) -> int | None:
    """The step's 1-based place among the patient's steps that have not started (as
    `step move --to` counts), read from the database; None when it has started."""
    from clinic_desktop.domain.progression import pending_steps

    ids = [s.id for s in pending_steps(session, step.patient_id)]
    return ids.index(step.id) + 1 if step.id in ids else None


def _progress_message(result: Progression | None, fallback: str = "") -> str:
    if result is None:
        return fallback
    if result.plan_finished:
        return "Step completed. That was the last step: the plan is finished."
    note = ""
    if result.started_email is not None and result.started_email.reason:
        note = f" The 'new step started' email needs attention: {result.started_email.reason}."
    elif result.started_email is not None:
        note = " The 'new step started' email is queued."
    return f"Step completed; the next step is active from today.{note}"
