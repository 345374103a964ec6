"""Plan templates: a named list of steps staff apply to a patient."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_desktop.db.models.base import Base


class PlanTemplate(Base):
    __tablename__ = "plan_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")

    steps: Mapped[list[PlanTemplateStep]] = relationship(
        back_populates="template", order_by="PlanTemplateStep.order",
        cascade="all, delete-orphan",
    )


class PlanTemplateStep(Base):
    __tablename__ = "plan_template_step"
    __table_args__ = (
        UniqueConstraint("template_id", "order"),
        CheckConstraint("duration_days > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("plan_template.id", ondelete="CASCADE"))
    order: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    duration_days: Mapped[int]
    instructions: Mapped[str] = mapped_column(Text, default="")

    template: Mapped[PlanTemplate] = relationship(back_populates="steps")
