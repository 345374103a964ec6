"""A patient's treatment step: the seed's TreatmentStep, with pause and a stored due date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_desktop.db.models.base import Base

if TYPE_CHECKING:
    from clinic_desktop.db.models.people import Patient

_OPEN_ACTIVE = text("is_active AND NOT is_completed")


def due_date_for(start_date: date | None, duration_days: int, paused_days: int) -> date | None:
    """The seed's start_date + duration_days, moved on by the days the step was paused."""
    if start_date is None:
        return None
    return start_date + timedelta(days=duration_days + paused_days)


class TreatmentStep(Base):
    __tablename__ = "treatment_step"
    __table_args__ = (
        UniqueConstraint("patient_id", "order"),
        CheckConstraint("duration_days > 0", name="duration_positive"),
        CheckConstraint("paused_days >= 0", name="paused_days_not_negative"),
        CheckConstraint("NOT (is_active AND is_completed)", name="active_or_completed"),
        CheckConstraint("NOT is_active OR start_date IS NOT NULL", name="active_has_start"),
        # The seed's rule "only one active step per patient", kept by the database itself.
        Index("uq_treatment_step_one_active", "patient_id", unique=True,
              sqlite_where=text("is_active"), postgresql_where=text("is_active")),
        # What the daily due scan reads: open active steps by due date. Every column the scan
        # tests is in the index, so SQLite never visits the table rows (a covering index).
        Index("ix_treatment_step_due_scan", "due_date", "paused_until", "is_active",
              "is_completed",
              sqlite_where=_OPEN_ACTIVE, postgresql_where=_OPEN_ACTIVE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    order: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    duration_days: Mapped[int]
    plan_name: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    # Derived from start_date, duration_days and paused_days on every ORM write (see below);
    # stored so the due scan is one indexed range query on SQLite and PostgreSQL alike.
    due_date: Mapped[date | None] = mapped_column(Date)
    paused_until: Mapped[date | None] = mapped_column(Date)
    paused_days: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=False)
    is_completed: Mapped[bool] = mapped_column(default=False)
    is_skipped: Mapped[bool] = mapped_column(default=False)
    completed_at: Mapped[datetime | None]
    notification_sent: Mapped[bool] = mapped_column(default=False)

    patient: Mapped[Patient] = relationship(back_populates="steps")

    def __repr__(self) -> str:
        return (f"<TreatmentStep {self.id} patient={self.patient_id} #{self.order} "
                f"active={self.is_active} completed={self.is_completed}>")


@event.listens_for(TreatmentStep, "before_insert")
@event.listens_for(TreatmentStep, "before_update")
def _keep_due_date(_mapper: Any, _connection: Any, step: TreatmentStep) -> None:
    step.due_date = due_date_for(step.start_date, step.duration_days, step.paused_days or 0)
