"""The seed's rules about one step: is it finished, how late is it, what state is it in."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Protocol

from sqlalchemy import ColumnElement, and_, or_, text

from clinic_desktop.db.models import TreatmentStep
from clinic_desktop.errors import ValidationError
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

# The longest step and the longest pause anyone enters on purpose; more is a typo (and a
# billion days overflows the date arithmetic). The CLI, the dialogs and templates share them.
MAX_STEP_DAYS = 3650
MAX_PAUSE_DAYS = 730

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


_A_STEP = sentence(QT_TRANSLATE_NOOP("core", "A step"))
_TOO_SHORT = sentence(QT_TRANSLATE_NOOP("core", "{what} must last at least 1 day."))
_TOO_LONG = sentence(QT_TRANSLATE_NOOP(
    "core", "{what} can last at most {n_most} days (10 years); {n} days looks like a typo."))


def check_step_days(days: int, what: str | None = None) -> int:
    """The duration, once it is from 1 day to MAX_STEP_DAYS (10 years); `what` names the
    step in the error (a sentence, "A step" by default)."""
    if days < 1:
        raise ValidationError(_TOO_SHORT(what=what or _A_STEP()))
    if days > MAX_STEP_DAYS:
        raise ValidationError(_TOO_LONG(what=what or _A_STEP(), n_most=MAX_STEP_DAYS, n=days))
    return days


class StepFacts(Protocol):
    """What the rules read of a step: a TreatmentStep, or a row of those columns."""

    @property
    def start_date(self) -> date | None: ...
    @property
    def due_date(self) -> date | None: ...
    @property
    def paused_until(self) -> date | None: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def is_completed(self) -> bool: ...
    @property
    def is_skipped(self) -> bool: ...


def is_paused(step: StepFacts, today: date) -> bool:
    return step.paused_until is not None and step.paused_until > today


def is_finished(step: StepFacts, today: date) -> bool:
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


def days_late(step: StepFacts, today: date) -> int:
    """Days past the due date for a finished step still waiting for its photo; else 0."""
    if not is_finished(step, today) or step.due_date is None:
        return 0
    return (today - step.due_date).days


def state(step: StepFacts, today: date) -> StepState:
    if step.is_completed:
        return StepState.SKIPPED if step.is_skipped else StepState.COMPLETED
    if not step.is_active:
        return StepState.PENDING
    if step.start_date is not None and step.start_date > today:
        return StepState.SCHEDULED
    if is_paused(step, today):
        return StepState.PAUSED
    return StepState.DUE if is_finished(step, today) else StepState.ACTIVE
