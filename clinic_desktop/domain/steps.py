"""The seed's rules about one step: is it finished, how late is it, what state is it in."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, or_, text

from clinic_desktop.db.models import TreatmentStep

# Word for word the WHERE clause of the partial index ix_treatment_step_due_scan: SQLite uses
# a partial index only when the query repeats its condition (`is_active IS 1` does not match).
_OPEN_ACTIVE = text("treatment_step.is_active AND NOT treatment_step.is_completed")


class StepState(StrEnum):
    PENDING = "pending"
    SCHEDULED = "scheduled"  # the plan's first step, waiting for the plan's start date
    ACTIVE = "active"
    PAUSED = "paused"
    DUE = "due"
    COMPLETED = "completed"
    SKIPPED = "skipped"


def is_paused(step: TreatmentStep, today: date) -> bool:
    return step.paused_until is not None and step.paused_until > today


def is_finished(step: TreatmentStep, today: date) -> bool:
    """today >= start_date + duration_days (+ paused days), for active open steps only."""
    return (
        step.is_active
        and not step.is_completed
        and step.due_date is not None
        and not is_paused(step, today)
        and today >= step.due_date
    )


def finished_condition(today: date) -> ColumnElement[bool]:
    """is_finished as SQL, so the due scan is one indexed query, never a Python loop."""
    return and_(
        _OPEN_ACTIVE,
        TreatmentStep.due_date <= today,
        or_(TreatmentStep.paused_until.is_(None), TreatmentStep.paused_until <= today),
    )


def days_late(step: TreatmentStep, today: date) -> int:
    """Days past the due date for a finished step still waiting for its photo; else 0."""
    if not is_finished(step, today) or step.due_date is None:
        return 0
    return (today - step.due_date).days


def state(step: TreatmentStep, today: date) -> StepState:
    if step.is_completed:
        return StepState.SKIPPED if step.is_skipped else StepState.COMPLETED
    if not step.is_active:
        return StepState.PENDING
    if step.start_date is not None and step.start_date > today:
        return StepState.SCHEDULED
    if is_paused(step, today):
        return StepState.PAUSED
    return StepState.DUE if is_finished(step, today) else StepState.ACTIVE
