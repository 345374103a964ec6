"""All models, importable from one place."""

from clinic_desktop.db.models.base import Base, utcnow
from clinic_desktop.db.models.mail import MailMessage
from clinic_desktop.db.models.people import Doctor, Patient
from clinic_desktop.db.models.plan import PlanTemplate, PlanTemplateStep
from clinic_desktop.db.models.records import (
    AuditChainHead,
    AuditEvent,
    DeliveryAttempt,
    EmailTemplate,
    InboxItem,
    JobRun,
    Lease,
    Notification,
    Photo,
    Setting,
    WatchedFile,
)
from clinic_desktop.db.models.step import TreatmentStep, due_date_for

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "DeliveryAttempt",
    "Doctor",
    "EmailTemplate",
    "InboxItem",
    "JobRun",
    "Lease",
    "MailMessage",
    "Notification",
    "Patient",
    "Photo",
    "PlanTemplate",
    "PlanTemplateStep",
    "Setting",
    "TreatmentStep",
    "WatchedFile",
    "due_date_for",
    "utcnow",
]
