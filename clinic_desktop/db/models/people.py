"""Patients and the doctors who treat them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_desktop.db import search
from clinic_desktop.db.models.base import Base, utcnow

if TYPE_CHECKING:
    from clinic_desktop.db.models.step import TreatmentStep


class Doctor(Base):
    __tablename__ = "doctor"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))

    patients: Mapped[list[Patient]] = relationship(back_populates="doctor")


class Patient(Base):
    __tablename__ = "patient"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    email_consent: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(10), default="en")
    doctor_id: Mapped[int | None] = mapped_column(ForeignKey("doctor.id", ondelete="SET NULL"),
                                                  index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # An email to this address came back undeliverable (a bounce read from the clinic's
    # mailbox). Nothing more is sent to it while `email` is still this address, until staff
    # change the address or confirm it (which clears these).
    bounced_email: Mapped[str | None] = mapped_column(String(320))
    bounce_reason: Mapped[str] = mapped_column(Text, default="")
    bounced_at: Mapped[datetime | None]
    # What the search looks in (db/search.py); set on every insert and update, never by hand.
    search_text: Mapped[str] = mapped_column(Text, default=lambda context: search.search_text(
        context.get_current_parameters().get(name) for name in search.SEARCHED), server_default="")

    doctor: Mapped[Doctor | None] = relationship(back_populates="patients")
    steps: Mapped[list[TreatmentStep]] = relationship(
        back_populates="patient", order_by="TreatmentStep.order", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_bouncing(self) -> bool:
        """Mail to the patient's address as it is now came back undeliverable."""
        return is_bouncing(self.email, self.bounced_email)


def is_bouncing(email: str | None, bounced_email: str | None) -> bool:
    """The rule over plain values (the set-based scans read rows, not patients)."""
    return bool(email and bounced_email and email.strip().casefold()
                == bounced_email.strip().casefold())


@event.listens_for(Patient, "before_update")
def _refresh_search_text(_mapper: object, _connection: object, patient: Patient) -> None:
    patient.search_text = search.search_text(getattr(patient, name) for name in search.SEARCHED)
