"""What staff do with emails: list and read the outbox, retry, cancel, preview a patient's
email, ask for a photo reminder now. The states themselves change in notify/outbox.py."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop import settings
from clinic_desktop.db.models import DeliveryAttempt, Notification, Patient
from clinic_desktop.domain.progression import active_step
from clinic_desktop.domain.reminders import queue_reminder, reminder_state
from clinic_desktop.errors import NotFoundError, RuleError, ValidationError
from clinic_desktop.notify import outbox
from clinic_desktop.notify.message import build_message, new_message_id
from clinic_desktop.notify.smtp import load_smtp_settings, make_sender
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class OutboxRow:
    """One email as the outbox lists it (the window's Outbox, `outbox list`)."""

    id: int
    kind: str
    patient_code: str | None
    recipient: str | None
    subject: str
    status: str
    attempts: int
    last_error: str | None
    message_id: str | None
    created_at: datetime | None
    sent_at: datetime | None
    next_attempt_at: datetime | None

    def json_fields(self) -> dict[str, Any]:
        """The `outbox list --json` contract: these field names are fixed for scripts."""
        return {"id": self.id, "kind": self.kind, "patient_code": self.patient_code,
                "recipient": self.recipient, "subject": self.subject, "status": self.status,
                "attempts": self.attempts, "last_error": self.last_error,
                "message_id": self.message_id, "created_at": _iso(self.created_at),
                "sent_at": _iso(self.sent_at), "next_attempt_at": _iso(self.next_attempt_at)}


def outbox_rows(session: Session, status: str | None, limit: int,
                since: datetime | None = None) -> list[OutboxRow]:
    """The newest emails first, of one status if given, created since `since` if given."""
    n = Notification  # only the listed columns: no ORM objects with their bodies and HTML
    query = (select(n.id, n.kind, Patient.code.label("patient_code"), n.recipient, n.subject,
                    n.status, n.attempts, n.last_error, n.message_id, n.created_at, n.sent_at,
                    n.next_attempt_at)
             .outerjoin(Patient, Patient.id == n.patient_id)
             .order_by(n.id.desc()).limit(limit))
    if status:
        query = query.where(Notification.status == status)
    if since is not None:
        query = query.where(Notification.created_at >= since)
    return [OutboxRow(**row._mapping) for row in session.execute(query)]


# The answers of Retry, Cancel and "Send a photo reminder now", and why they cannot be done.
_NO_EMAIL = sentence(QT_TRANSLATE_NOOP("core", "There is no email with id {n} in the outbox."))
_QUEUED_AGAIN = sentence(QT_TRANSLATE_NOOP("core", "Email {n} to {address} is queued again."))
_CANCELLED = sentence(QT_TRANSLATE_NOOP("core", "Email {n} will not be sent."))
_NOTHING_TO_REMIND = sentence(QT_TRANSLATE_NOOP(
    "core", "{code} has no active step to remind about."))
_NO_NEW_REMINDER = sentence(QT_TRANSLATE_NOOP("core", "No new reminder for {code}: {why}."))
_REMINDED_TODAY = sentence(QT_TRANSLATE_NOOP(
    "core", "{code} was already sent a photo reminder today ({time}); at most one a day."))
_REMINDER_HELD = sentence(QT_TRANSLATE_NOOP(
    "core", "The reminder cannot be emailed: {problem}. It is listed in the outbox."))
_REMINDER_QUEUED = sentence(QT_TRANSLATE_NOOP("core", "A photo reminder to {address} is queued."))
_NOT_A_PATIENT_EMAIL = sentence(QT_TRANSLATE_NOOP(
    "core", "Preview for a patient covers the patient emails (step_finished, step_started, "
    "photo_reminder), not {kind}."))
_NO_STEP_TO_WRITE = sentence(QT_TRANSLATE_NOOP(
    "core", "Patient {code} has no active step to write about."))


@dataclass(frozen=True)
class EmailDetails:
    """One email as staff see it: plain values."""

    id: int
    kind: str
    status: str
    recipient_name: str
    recipient: str
    subject: str
    created_at: datetime
    sent_at: datetime | None
    problem: str
    attempts: list[tuple[datetime, str, str, int | None, str]]  # when, PC, outcome, code, why
    text: str
    zone: tzinfo


def email_details(session: Session, notification_id: int) -> EmailDetails | None:
    """The email with every try to send it, in order; None when it no longer exists."""
    row = session.get(Notification, notification_id)
    if row is None:
        return None
    attempts = [(a.at, a.host, a.outcome, a.smtp_code, a.detail) for a in session.scalars(
        select(DeliveryAttempt).where(DeliveryAttempt.notification_id == notification_id)
        .order_by(DeliveryAttempt.id))]
    return EmailDetails(row.id, row.kind, row.status, row.recipient_name, row.recipient or "",
                        row.subject, row.created_at, row.sent_at, row.last_error or "",
                        attempts, row.body_text or "", settings.clinic_zone(session))


def _get(session: Session, notification_id: int) -> Notification:
    row = session.get(Notification, notification_id)
    if row is None:
        raise NotFoundError(_NO_EMAIL(n=notification_id))
    return row


def describe(session: Session, notification_id: int) -> str:
    row = _get(session, notification_id)
    lines = [f"Email {row.id}: {row.kind}, {row.status}, {row.attempts} attempt(s)",
             f"To:         {row.recipient_name} <{row.recipient or 'no address'}>",
             f"Subject:    {row.subject}",
             f"Message-ID: {row.message_id or '(given when first sent)'}",
             f"Queued:     {row.created_at:%Y-%m-%d %H:%M} UTC"]
    if row.sent_at:
        lines.append(f"Sent:       {row.sent_at:%Y-%m-%d %H:%M} UTC")
    if row.last_error:
        lines.append(f"Problem:    {row.last_error}")
    attempts = session.scalars(select(DeliveryAttempt).where(
        DeliveryAttempt.notification_id == row.id).order_by(DeliveryAttempt.id)).all()
    for a in attempts:
        lines.append(f"  {a.at:%Y-%m-%d %H:%M:%S} {a.host}: {a.outcome}"
                     f"{f' ({a.smtp_code})' if a.smtp_code else ''} {a.detail}".rstrip())
    lines += ["", row.body_text or "(the text is written when the email is sent)"]
    return "\n".join(lines)


def retry(session: Session, notification_id: int) -> str:
    """Queue a failed, held or cancelled email again, with the patient's current address."""
    row = _get(session, notification_id)
    outbox.requeue(session, row)
    return _QUEUED_AGAIN(n=row.id, address=row.recipient)


def cancel(session: Session, notification_id: int) -> str:
    row = _get(session, notification_id)
    outbox.cancel(session, row)
    return _CANCELLED(n=row.id)


PREVIEW_ADDRESS = "clinic@example.invalid"  # the sender before smtp.from is set


def preview(session: Session, kind: str, patient: Patient, language: str | None,
            now: datetime) -> EmailMessage:
    """The patient's email of this kind for their current step, exactly as it would be sent
    (by the sender delivery uses; before sending is set up, from PREVIEW_ADDRESS)."""
    if kind not in (outbox.KIND_STEP_FINISHED, outbox.KIND_STEP_STARTED,
                    outbox.KIND_PHOTO_REMINDER):
        raise ValidationError(_NOT_A_PATIENT_EMAIL(kind=kind))
    step = active_step(session, patient.id)
    if step is None:
        raise RuleError(_NO_STEP_TO_WRITE(code=patient.code))
    email = outbox.step_email(
        session, kind, language or patient.language, patient, step, reminder_number=1,
        max_reminders=settings.get(session, "notify.max_reminders"),
        days_waiting=settings.get(session, "notify.reminder_after_days"))
    config = load_smtp_settings(session, checked=False)
    sender = make_sender(replace(config, from_address=config.from_address or PREVIEW_ADDRESS))
    return build_message(sender=sender, recipient=patient.email or "no-address@example.invalid",
                         recipient_name=patient.full_name, subject=email.subject,
                         text=email.text, html=email.html,
                         message_id=new_message_id(0, sender.domain), date=now)


def queue_reminder_now(session: Session, patient: Patient, today: date) -> str:
    """Staff ask for a photo reminder now (e.g. after a phone call): it is queued at once,
    unless one is still waiting to go out or one was already sent today."""
    step = active_step(session, patient.id)
    if step is None:
        raise RuleError(_NOTHING_TO_REMIND(code=patient.code))
    number, last_sent, blocker = reminder_state(session, step.id)
    if blocker:
        raise RuleError(_NO_NEW_REMINDER(code=patient.code, why=blocker))
    zone = settings.clinic_zone(session)
    if last_sent is not None and last_sent.astimezone(zone).date() >= today:
        raise RuleError(_REMINDED_TODAY(code=patient.code,
                                        time=f"{last_sent.astimezone(zone):%H:%M}"))
    waiting = max((today - step.due_date).days, 0) if step.due_date else 0
    result = queue_reminder(session, step, number, waiting)
    if result.reason:
        return _REMINDER_HELD(problem=result.reason)
    return _REMINDER_QUEUED(address=patient.email)
