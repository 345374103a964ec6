"""All models, importable from one place."""

from clinic_desktop.db.models.base import Base, utcnow
from clinic_desktop.db.models.people import Doctor, Patient
from clinic_desktop.db.models.plan import PlanTemplate, PlanTemplateStep
from clinic_desktop.db.models.records import (
    AuditEvent,
    DeliveryAttempt,
    EmailTemplate,
    Lease,
    Notification,
    Photo,
    Setting,
)
from clinic_desktop.db.models.step import TreatmentStep, due_date_for

__all__ = [
    "AuditEvent",
    "Base",
    "DeliveryAttempt",
    "Doctor",
    "EmailTemplate",
    "Lease",
    "Notification",
    "Patient",
    "Photo",
    "PlanTemplate",
    "PlanTemplateStep",
    "Setting",
    "TreatmentStep",
    "due_date_for",
    "utcnow",
]
