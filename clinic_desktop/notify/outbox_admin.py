"""What staff do with the outbox: look at an email, retry it, cancel it, preview one."""

from __future__ import annotations

from datetime import date, datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop import audit, settings
from clinic_desktop.db.models import DeliveryAttempt, Notification, Patient, TreatmentStep
from clinic_desktop.domain.progression import active_step
from clinic_desktop.errors import NotFoundError, RuleError, ValidationError
from clinic_desktop.notify import outbox, render
from clinic_desktop.notify.context import step_email_context
from clinic_desktop.notify.message import Sender, build_message, load_logo, new_message_id
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def outbox_rows(session: Any, status: str | None, limit: int,
                since: datetime | None = None) -> list[dict[str, Any]]:
    """The `outbox list --json` contract: these field names are fixed for scripts."""
    query = (select(Notification, Patient.code).outerjoin(Patient, Patient.id ==
                                                          Notification.patient_id)
             .order_by(Notification.id.desc()).limit(limit))
    if status:
        query = query.where(Notification.status == status)
    if since is not None:
        query = query.where(Notification.created_at >= since)
    return [
        {"id": n.id, "kind": n.kind, "patient_code": code, "recipient": n.recipient,
         "subject": n.subject, "status": n.status, "attempts": n.attempts,
         "last_error": n.last_error, "message_id": n.message_id,
         "created_at": _iso(n.created_at), "sent_at": _iso(n.sent_at),
         "next_attempt_at": _iso(n.next_attempt_at)}
        for n, code in session.execute(query)
    ]


# The answers of Retry, Cancel and "Send a photo reminder now", and why they cannot be done.
_NO_EMAIL = sentence(QT_TRANSLATE_NOOP("core", "There is no email with id {n} in the outbox."))
_CANNOT_RETRY = sentence(QT_TRANSLATE_NOOP(
    "core", "Email {n} is {status}; only failed, held (needs attention) or cancelled emails "
    "can be retried."))
_PATIENT_GONE = sentence(QT_TRANSLATE_NOOP("core", "The patient of email {n} no longer exists."))
_STILL_CANNOT = sentence(QT_TRANSLATE_NOOP(
    "core", "Email {n} still cannot be sent: {problem}. Fix the patient's details first."))
_QUEUED_AGAIN = sentence(QT_TRANSLATE_NOOP("core", "Email {n} to {address} is queued again."))
_CANNOT_CANCEL = sentence(QT_TRANSLATE_NOOP(
    "core", "Email {n} is {status} and cannot be cancelled."))
_CANCELLED = sentence(QT_TRANSLATE_NOOP("core", "Email {n} will not be sent."))
_NOTHING_TO_REMIND = sentence(QT_TRANSLATE_NOOP(
    "core", "{code} has no active step to remind about."))
_NO_NEW_REMINDER = sentence(QT_TRANSLATE_NOOP("core", "No new reminder for {code}: {why}."))
_REMINDED_TODAY = sentence(QT_TRANSLATE_NOOP(
    "core", "{code} was already sent a photo reminder today ({time}); at most one a day."))
_REMINDER_HELD = sentence(QT_TRANSLATE_NOOP(
    "core", "The reminder cannot be emailed: {problem}. It is listed in the outbox."))
_REMINDER_QUEUED = sentence(QT_TRANSLATE_NOOP("core", "A photo reminder to {address} is queued."))


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
    if row.status in (outbox.STATUS_SENT, outbox.STATUS_SENDING, outbox.STATUS_QUEUED):
        raise RuleError(_CANNOT_RETRY(n=row.id, status=row.status))
    before = {"status": row.status, "recipient": row.recipient}
    if row.patient_id is not None and row.doctor_id is None:
        patient = session.get(Patient, row.patient_id)
        if patient is None:
            raise RuleError(_PATIENT_GONE(n=row.id))
        problem = outbox.recipient_problem(patient)
        if problem:
            raise ValidationError(_STILL_CANNOT(n=row.id, problem=problem))
        if row.recipient != patient.email:
            row.recipient, row.recipient_name = patient.email or "", patient.full_name
            step = session.get(TreatmentStep, row.step_id) if row.step_id else None
            if step is not None and row.kind in (outbox.KIND_STEP_FINISHED,
                                                 outbox.KIND_STEP_STARTED):
                email = render.templates_for(session).render(
                    row.kind, patient.language, step_email_context(session, patient, step))
                row.subject, row.body_text, row.body_html = email.subject, email.text, \
                    email.html
    row.status, row.attempts, row.next_attempt_at, row.last_error = \
        outbox.STATUS_QUEUED, 0, None, ""
    audit.record(session, "email_retry", patient_id=row.patient_id, entity="notification",
                 entity_id=row.id, before=before, after={"status": row.status,
                                                          "recipient": row.recipient})
    return _QUEUED_AGAIN(n=row.id, address=row.recipient)


def cancel(session: Session, notification_id: int) -> str:
    row = _get(session, notification_id)
    if row.status in (outbox.STATUS_SENT, outbox.STATUS_SENDING, outbox.STATUS_CANCELLED):
        raise RuleError(_CANNOT_CANCEL(n=row.id, status=row.status))
    before = row.status
    row.status = outbox.STATUS_CANCELLED
    audit.record(session, "email_cancelled", patient_id=row.patient_id, entity="notification",
                 entity_id=row.id, before={"status": before}, after={"status": row.status})
    return _CANCELLED(n=row.id)


def preview(session: Session, kind: str, patient: Patient, language: str | None,
            now: datetime) -> EmailMessage:
    """The patient's email of this kind for their current step, exactly as it would be sent."""
    if kind not in (outbox.KIND_STEP_FINISHED, outbox.KIND_STEP_STARTED,
                    outbox.KIND_PHOTO_REMINDER):
        raise ValidationError(f"Preview for a patient covers the patient emails "
                              f"(step_finished, step_started, photo_reminder), not {kind}.")
    step = active_step(session, patient.id)
    if step is None:
        raise RuleError(f"Patient {patient.code} has no active step to write about.")
    context = step_email_context(session, patient, step)
    context.update(reminder_number=1, max_reminders=settings.get(session, "notify.max_reminders"),
                   days_waiting=settings.get(session, "notify.reminder_after_days"))
    email = render.templates_for(session).render(kind, language or patient.language, context)
    address = settings.get(session, "smtp.from") or "clinic@example.invalid"
    logo, subtype = load_logo(settings.get(session, "clinic.logo"))
    sender = Sender(address=address, display_name=settings.get(session, "clinic.name"),
                    reply_to=settings.get(session, "smtp.reply_to"),
                    list_unsubscribe=settings.get(session, "notify.list_unsubscribe"),
                    logo=logo, logo_subtype=subtype)
    return build_message(sender=sender, recipient=patient.email or "no-address@example.invalid",
                         recipient_name=patient.full_name, subject=email.subject,
                         text=email.text, html=email.html,
                         message_id=new_message_id(0, sender.domain), date=now)


def queue_reminder_now(session: Session, patient: Patient, today: date) -> str:
    """Staff ask for a photo reminder now (e.g. after a phone call): it is queued at once,
    unless one is still waiting to go out or one was already sent today."""
    from clinic_desktop.domain.reminders import queue_reminder, reminder_state

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
