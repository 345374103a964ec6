"""The outbox: each email a state change causes, written in the same transaction, at most once.

The only module that moves an email from state to state (notify/status.py names the states):

    queued --claim--> sending --mark_sent--> sent --mark_bounced--> bounced
       ^                 |--mark_retry--> queued (later; failed once the attempts run out)
       |                 |--mark_failed--> failed
       |                 |--hold--> needs_attention (the address or consent must change)
       |                 '--release_claims--> queued (not tried: the app quit, the server went)
       '--requeue (staff retry) -- failed, needs_attention, cancelled
    queued, needs_attention --cancel (staff) / withdrawn (the step ended)--> cancelled

A claim of a sender presumed dead is ended early by free_claims_of (the claim is due again);
queueing writes queued or needs_attention (nobody can be mailed), recheck_recipient holds an
email whose patient changed since, and an undone step gets its email back (step_reopened).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, cast

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from clinic_desktop import audit, settings
from clinic_desktop.db.models import Doctor, Notification, Patient, TreatmentStep, utcnow
from clinic_desktop.db.models.people import is_bouncing
from clinic_desktop.errors import ConfigError, RuleError, ValidationError
from clinic_desktop.notify import render
from clinic_desktop.notify.context import (
    clinic_context,
    patient_context,
    plan_position,
    step_context,
    step_email_context,
)
from clinic_desktop.notify.message import new_message_id

# The states, named where nothing heavy is loaded; callers name them through this module.
from clinic_desktop.notify.status import STATUS_BOUNCED as STATUS_BOUNCED
from clinic_desktop.notify.status import STATUS_CANCELLED as STATUS_CANCELLED
from clinic_desktop.notify.status import STATUS_FAILED as STATUS_FAILED
from clinic_desktop.notify.status import STATUS_NEEDS_ATTENTION as STATUS_NEEDS_ATTENTION
from clinic_desktop.notify.status import STATUS_QUEUED as STATUS_QUEUED
from clinic_desktop.notify.status import STATUS_SENDING as STATUS_SENDING
from clinic_desktop.notify.status import STATUS_SENT as STATUS_SENT
from clinic_desktop.notify.status import STATUSES as STATUSES
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

KIND_STEP_FINISHED = render.STEP_FINISHED
KIND_STEP_STARTED = render.STEP_STARTED
KIND_PHOTO_REMINDER = render.PHOTO_REMINDER
KIND_DOCTOR_PROGRESS = render.DOCTOR_PROGRESS
KIND_DOCTOR_DIGEST = render.DOCTOR_DIGEST
KIND_PHOTO_RETAKE = render.PHOTO_RETAKE

PATIENT_KINDS = (KIND_STEP_FINISHED, KIND_STEP_STARTED, KIND_PHOTO_REMINDER, KIND_PHOTO_RETAKE)


_KEY_PREFIX = {KIND_STEP_FINISHED: "step-finished", KIND_STEP_STARTED: "step-started",
               KIND_DOCTOR_PROGRESS: "doctor-progress"}


def subject_for(kind: str, step_name: str) -> str:
    """The seed's subject for a step email in English (what the default templates produce)."""
    source = render.default_source(kind, render.DEFAULT_LANGUAGE)["subject"]
    return render.TemplateSet().env.from_string(source).render(step={"name": step_name}).strip()


def dedupe_key(kind: str, step_id: int) -> str:
    """One email of a kind per step, whichever PC or process queues it."""
    return f"{_KEY_PREFIX[kind]}:{step_id}"


_NO_ADDRESS = sentence(QT_TRANSLATE_NOOP("core", "there is no email address"))
_NO_TEXT_LEFT = sentence(QT_TRANSLATE_NOOP(
    "core", "Email {n} has no text and its patient or step is gone."))
_NOT_VALID = sentence(QT_TRANSLATE_NOOP(
    "core", "the email address {address} is not valid ({why})"))
_NEEDS_SMTPUTF8 = sentence(QT_TRANSLATE_NOOP(
    "core", "the mail server does not accept addresses with non-English letters before the @ "
    "(SMTPUTF8), such as {address}"))
_PATIENT_NO_ADDRESS = sentence(QT_TRANSLATE_NOOP("core", "the patient has no email address"))
_NO_CONSENT = sentence(QT_TRANSLATE_NOOP("core", "the patient has not agreed to receive emails"))
_PATIENT_DELETED = sentence(QT_TRANSLATE_NOOP("core", "the patient's record was deleted"))
_DOCTOR_ADDRESS = sentence(QT_TRANSLATE_NOOP("core", "doctor {name}: {problem}"))
_NOT_SENT = sentence(QT_TRANSLATE_NOOP("core", "Not sent: {problem}."))
_NOT_SENT_CHANGED = sentence(QT_TRANSLATE_NOOP(
    "core", "Not sent: {problem} (changed after the email was queued)."))
_NOT_SENT_ENDED = sentence(QT_TRANSLATE_NOOP("core", "Not sent: {why} before it went out."))
_STEP_ENDED_BY = {
    render.BY_PHOTO: sentence(QT_TRANSLATE_NOOP("core", "the photo arrived")),
    render.BY_STAFF: sentence(QT_TRANSLATE_NOOP("core", "staff completed the step")),
    render.BY_SKIP: sentence(QT_TRANSLATE_NOOP("core", "staff skipped the step")),
    render.BY_AUTO: sentence(QT_TRANSLATE_NOOP("core", "the next step started")),
}
_PHOTO_ACCEPTED = sentence(QT_TRANSLATE_NOOP("core", "staff accepted the photo as it is"))


@lru_cache(maxsize=4096)
def address_problem(address: str | None, *, smtputf8: bool = True) -> str | None:
    """Why mail cannot go to this address, or None. `smtputf8=False` asks for a mail server
    that does not offer SMTPUTF8: a domain with non-English letters is fine (it is sent in
    its xn-- form), non-English letters before the @ are not."""
    if not address:
        return _NO_ADDRESS()
    try:
        valid = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return _NOT_VALID(address=repr(address), why=exc)
    if not smtputf8 and valid.ascii_email is None:
        return _NEEDS_SMTPUTF8(address=address)
    return None


def recipient_problem(patient: Patient) -> str | None:
    """Why this patient cannot be emailed, in staff's words; None when they can."""
    problem = patient_address_problem(patient.email, patient.email_consent)
    if problem is None and patient.is_bouncing:
        return _BOUNCING(address=patient.email, reason=patient.bounce_reason)
    return problem


def patient_address_problem(email: str | None, consent: bool) -> str | None:
    if not email:
        return _PATIENT_NO_ADDRESS()
    if not consent:
        return _NO_CONSENT()
    return address_problem(email)


_BOUNCING = sentence(QT_TRANSLATE_NOOP(
    "core", "mail to {address} came back undeliverable ({reason}); change the address or "
    "confirm it on the patient's page"))
_BOUNCED = sentence(QT_TRANSLATE_NOOP("core", "Bounced: {reason}"))


def mark_bounced(session: Session, row: Notification, reason: str, at: datetime) -> bool:
    """A delivery report read from the clinic's mailbox says this email never arrived. The
    email is marked bounced with the server's reason and, when it went to the patient's
    address as it still is, that address is flagged bouncing: nothing more is sent to it
    (recipient_problem) until staff change the address or confirm it. False when the email
    was marked bounced already (the same report read twice)."""
    if row.status == STATUS_BOUNCED:
        return False
    before = row.status
    row.status, row.last_error = STATUS_BOUNCED, _BOUNCED(reason=reason)
    row.claimed_by, row.claimed_until, row.next_attempt_at = "", None, None
    audit.record(session, "email_bounced", patient_id=row.patient_id, entity="notification",
                 entity_id=row.id, before={"status": before},
                 after={"status": STATUS_BOUNCED}, detail=f"{row.kind} to {row.recipient}: "
                 f"{reason}")
    patient = session.get(Patient, row.patient_id) \
        if row.patient_id is not None and row.doctor_id is None else None
    if patient is not None and is_bouncing(patient.email, row.recipient) \
            and not patient.is_bouncing:
        patient.bounced_email, patient.bounce_reason, patient.bounced_at = \
            patient.email, reason, at
        audit.record(session, "address_bouncing", patient_id=patient.id, entity="patient",
                     entity_id=patient.id, detail=f"{patient.email}: {reason}")
    return True


def recheck_recipient(session: Session, row: Notification, patient: Patient | None) -> bool:
    """Just before a patient's email is sent: True when it may still go. A patient who
    withdrew consent, lost their address or was deleted since it was queued gets nothing;
    the row is held as needs attention with the reason, for staff. A changed address is
    where the email goes."""
    problem = _PATIENT_DELETED() if patient is None else \
        recipient_problem(patient)
    if problem is None:
        assert patient is not None and patient.email
        row.recipient = patient.email
        return True
    hold(session, row, _NOT_SENT_CHANGED(problem=problem), why=problem)
    return False


@dataclass(frozen=True)
class Queued:
    """What queueing did: `created` is False when the dedupe key was already taken."""

    created: bool
    status: str
    reason: str = ""
    notification_id: int | None = None


def queue_email(session: Session, *, kind: str, key: str, recipient: str,
                recipient_name: str, language: str, context: Mapping[str, Any],
                problem: str | None = None, patient_id: int | None = None,
                step_id: int | None = None, doctor_id: int | None = None,
                templates: render.TemplateSet | None = None) -> Queued:
    """Render and queue one email unless one with the same dedupe key exists.

    It is rendered now, so the outbox keeps the exact email and every retry sends the same.
    A recipient who cannot be emailed gets a `needs_attention` row with the reason instead,
    so staff see it; it holds the same key, so the email is never queued twice.
    """
    language = render.language_for(language)
    email = (templates or render.templates_for(session)).render(kind, language, context)
    return _queue(session, email, kind=kind, key=key, recipient=recipient,
                  recipient_name=recipient_name, language=language, problem=problem,
                  patient_id=patient_id, step_id=step_id, doctor_id=doctor_id)


def _queue(session: Session, email: render.RenderedEmail, *, kind: str, key: str,
           recipient: str, recipient_name: str, language: str, problem: str | None,
           patient_id: int | None, step_id: int | None, doctor_id: int | None) -> Queued:
    status = STATUS_NEEDS_ATTENTION if problem else STATUS_QUEUED
    values = {
        "kind": kind, "dedupe_key": key, "patient_id": patient_id, "step_id": step_id,
        "doctor_id": doctor_id, "recipient": recipient or "", "recipient_name": recipient_name,
        "language": language, "subject": email.subject, "body_text": email.text,
        "body_html": email.html, "status": status, "attempts": 0,
        "last_error": _NOT_SENT(problem=problem) if problem else "", "message_id": "",
        "claimed_by": "", "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, Notification.__table__)
    statement = (insert(table).values(**values)
                 .on_conflict_do_nothing(index_elements=["dedupe_key"])
                 .returning(table.c.id))
    # RETURNING yields the new id, or nothing when another scan or PC got there first.
    new_id = session.execute(statement).scalar()
    return Queued(created=new_id is not None, status=status, reason=problem or "",
                  notification_id=new_id)


def step_email(session: Session, kind: str, language: str, patient: Patient,
               step: TreatmentStep, *, progressed_by: str = render.BY_PHOTO,
               next_started: bool = False, **extra: Any) -> render.RenderedEmail:
    """A patient's email about their step, in words that match what happened (see
    step_email_context): the one place a step email is written, whether it is queued,
    rewritten when its step ends or comes back, re-addressed by a retry, written late for a
    row queued before texts were stored, or previewed (`extra`: the reminder's numbers)."""
    context = step_email_context(session, patient, step, progressed_by=progressed_by,
                                 next_started=next_started)
    return render.templates_for(session).render(kind, render.language_for(language),
                                                {**context, **extra})


def _rewrite(row: Notification, email: render.RenderedEmail) -> None:
    row.subject, row.body_text, row.body_html = email.subject, email.text, email.html


def queue_step_email(session: Session, kind: str, patient: Patient, step: TreatmentStep, *,
                     progressed_by: str = render.BY_PHOTO, next_started: bool = False
                     ) -> Queued:
    """The patient's 'step completed – photo required' or 'new step started' email."""
    language = render.language_for(patient.language)
    return _queue(session, step_email(session, kind, language, patient, step,
                                      progressed_by=progressed_by, next_started=next_started),
                  kind=kind, key=dedupe_key(kind, step.id), recipient=patient.email or "",
                  recipient_name=patient.full_name, language=language,
                  problem=recipient_problem(patient), patient_id=patient.id, step_id=step.id,
                  doctor_id=None)


def step_ended(session: Session, patient: Patient, step: TreatmentStep,
               progressed_by: str) -> None:
    """A step was completed or skipped: what was queued about it and has not gone out must
    not contradict that. Its photo reminders and requests for a better photo are withdrawn;
    its 'photo required' email is
    withdrawn when a photo or staff ended the step, and rewritten to say the next step has
    started when the daily check advanced it without a photo."""
    unsent = (STATUS_QUEUED, STATUS_NEEDS_ATTENTION)
    rows = session.scalars(select(Notification).where(
        Notification.step_id == step.id, Notification.status.in_(unsent),
        Notification.kind.in_([KIND_STEP_FINISHED, KIND_PHOTO_REMINDER,
                               KIND_PHOTO_RETAKE]))).all()
    why = _STEP_ENDED_BY[progressed_by]()
    for row in rows:
        if row.kind == KIND_STEP_FINISHED and progressed_by == render.BY_AUTO:
            _rewrite(row, step_email(session, row.kind, row.language, patient, step,
                                     progressed_by=progressed_by, next_started=True))
            continue
        _withdraw(session, row, why)


def _withdraw(session: Session, row: Notification, why: str) -> None:
    """Not wanted any more because of what happened since it was queued (`why`)."""
    row.status = STATUS_CANCELLED
    row.last_error = _NOT_SENT_ENDED(why=why)
    audit.record(session, "email_withdrawn", patient_id=row.patient_id, entity="notification",
                 entity_id=row.id, detail=f"{row.kind}: {why}")


def step_reopened(session: Session, patient: Patient, step: TreatmentStep) -> None:
    """An ended step is active again (undo): its 'photo required' email, withdrawn or
    rewritten when the step ended and still unsent, is queued again as first written."""
    row = session.scalar(select(Notification).where(
        Notification.dedupe_key == dedupe_key(KIND_STEP_FINISHED, step.id)))
    if row is None or row.status not in (STATUS_QUEUED, STATUS_NEEDS_ATTENTION,
                                         STATUS_CANCELLED):
        return
    if row.status == STATUS_CANCELLED and not row.last_error.endswith("before it went out."):
        return  # cancelled by staff: that stays their decision
    problem = recipient_problem(patient)
    _rewrite(row, step_email(session, row.kind, row.language, patient, step))
    row.status = STATUS_NEEDS_ATTENTION if problem else STATUS_QUEUED
    row.last_error = _NOT_SENT(problem=problem) if problem else ""
    audit.record(session, "email_requeued", patient_id=patient.id, entity="notification",
                 entity_id=row.id, detail=f"{row.kind}: the step is active again")


def queue_doctor_progress(session: Session, patient: Patient, completed: TreatmentStep,
                          following: TreatmentStep | None,
                          progressed_by: str = render.BY_PHOTO) -> Queued | None:
    """Tell the patient's doctor, when doctors want one email per event and have an address."""
    doctor: Doctor | None = patient.doctor
    if doctor is None or settings.get(session, "notify.doctor_mode") != "event":
        return None
    position, count = plan_position(session, completed)
    context = {
        "clinic": clinic_context(session), "doctor": {"name": doctor.name},
        "patient": patient_context(patient), "completed_step": step_context(completed, position),
        "step_count": count,
        "next_step": step_context(following, plan_position(session, following)[0])
        if following is not None else None,
        "plan_finished": following is None, "progressed_by": progressed_by,
    }
    return queue_email(
        session, kind=KIND_DOCTOR_PROGRESS, key=dedupe_key(KIND_DOCTOR_PROGRESS, completed.id),
        recipient=doctor.email or "", recipient_name=doctor.name,
        language=settings.get(session, "clinic.language"), context=context,
        problem=address_problem(doctor.email) and _DOCTOR_ADDRESS(
            name=doctor.name, problem=address_problem(doctor.email)),
        patient_id=patient.id, step_id=completed.id, doctor_id=doctor.id)


RETAKE_KEY_PREFIX = "photo-retake:"  # + the photo's id


def queue_photo_retake(session: Session, patient: Patient, step: TreatmentStep,
                       photo_id: int, reasons: list[str], taken_on: date | None) -> Queued:
    """Ask the patient for a better photo than the one the quality gate held (`reasons`:
    photos/quality.py's issues). Once per photo, whoever asks and however often."""
    context = {**step_email_context(session, patient, step), "reasons": reasons,
               "taken_on": taken_on}
    return queue_email(
        session, kind=KIND_PHOTO_RETAKE, key=f"{RETAKE_KEY_PREFIX}{photo_id}",
        recipient=patient.email or "", recipient_name=patient.full_name,
        language=patient.language, context=context, problem=recipient_problem(patient),
        patient_id=patient.id, step_id=step.id)


def withdraw_photo_retake(session: Session, photo_id: int) -> None:
    """A request for a better photo that has not gone out, no longer wanted (the photo was
    accepted as it is)."""
    row = session.scalar(select(Notification).where(
        Notification.dedupe_key == f"{RETAKE_KEY_PREFIX}{photo_id}",
        Notification.status.in_((STATUS_QUEUED, STATUS_NEEDS_ATTENTION))))
    if row is not None:
        _withdraw(session, row, _PHOTO_ACCEPTED())


def drop_unsent(session: Session, kind: str, step_id: int) -> bool:
    """Remove a step email that has not gone out yet (used when a progression is undone)."""
    row = session.scalar(select(Notification).where(
        Notification.dedupe_key == dedupe_key(kind, step_id)))
    if row is None or row.status not in (STATUS_QUEUED, STATUS_NEEDS_ATTENTION):
        return False
    session.delete(row)
    return True


# --- sending: what the sender (notify/delivery.py) asks of an email -------------------------


MAX_BACKOFF_SECONDS = 3600

_TRY_AGAIN = sentence(QT_TRANSLATE_NOOP(
    "core", "{problem} (attempt {n_attempt} of {n_attempts}; next try in {n_minutes} min)"))
_GAVE_UP = sentence(QT_TRANSLATE_NOOP(
    "core", "Gave up after {n_attempts} attempts. Last answer: {problem}"))


def claim(session: Session, row: Notification, holder: str, until: datetime,
          domain: str) -> None:
    """Due (queued, or claimed by a sender whose claim ran out) → sending, for `holder` until
    `until`. It gets its Message-ID now, once, so every later try is the same email."""
    if not row.body_text:
        _write_missing_body(session, row)
    if not row.message_id:
        row.message_id = new_message_id(row.id, domain)
    row.status, row.claimed_by, row.claimed_until = STATUS_SENDING, holder, until


def _write_missing_body(session: Session, row: Notification) -> None:
    """Rows queued before bodies were stored (schema 0001) are written before sending."""
    step = session.get(TreatmentStep, row.step_id) if row.step_id else None
    patient = session.get(Patient, row.patient_id) if row.patient_id else None
    if step is None or patient is None:
        raise ConfigError(_NO_TEXT_LEFT(n=row.id))
    _rewrite(row, step_email(session, row.kind, patient.language, patient, step))


def release_claims(session: Session, ids: list[int], holder: str) -> None:
    """Claims `holder` could not try (server gone, app quitting) go back to the queue,
    attempts unchanged."""
    session.execute(update(Notification).where(
        Notification.id.in_(ids), Notification.status == STATUS_SENDING,
        Notification.claimed_by == holder).values(
        status=STATUS_QUEUED, claimed_by="", claimed_until=None))


def free_claims_of(session: Session, dead_holder: str, now: datetime) -> None:
    """A sender presumed dead (another PC took its lease): the emails it had claimed are due
    again now (the next sender records them as interrupted and sends them with their
    Message-ID), instead of waiting for their claims to run out."""
    session.execute(update(Notification).where(
        Notification.status == STATUS_SENDING, Notification.claimed_by == dead_holder)
        .values(claimed_until=now - timedelta(seconds=1)))


def _attempted(row: Notification) -> None:
    row.attempts += 1
    row.claimed_by, row.claimed_until = "", None


def mark_sent(session: Session, row: Notification, at: datetime) -> None:
    """The mail server accepted the email."""
    _attempted(row)
    row.status, row.sent_at, row.last_error = STATUS_SENT, at, ""
    audit.record(session, "email_sent", patient_id=row.patient_id, entity="notification",
                 entity_id=row.id, detail=row.kind)


def mark_retry(session: Session, row: Notification, at: datetime, problem: str,
               max_attempts: int) -> None:
    """A passing problem (4xx, timeout, dropped line): queued again after a pause that
    doubles each time (1 min, 2, 4 … up to an hour); failed once `max_attempts` are used."""
    if row.attempts + 1 >= max_attempts:
        mark_failed(session, row, _GAVE_UP(n_attempts=row.attempts + 1, problem=problem))
        return
    _attempted(row)
    delay = min(60 * 2 ** (row.attempts - 1), MAX_BACKOFF_SECONDS)
    row.status, row.next_attempt_at = STATUS_QUEUED, at + timedelta(seconds=delay)
    row.last_error = _TRY_AGAIN(problem=problem, n_attempt=row.attempts,
                                n_attempts=max_attempts, n_minutes=delay // 60)


def mark_failed(session: Session, row: Notification, problem: str) -> None:
    """The server refused the email for good (5xx), or the retries ran out."""
    _attempted(row)
    row.status, row.last_error = STATUS_FAILED, problem
    audit.record(session, "email_failed", patient_id=row.patient_id, entity="notification",
                 entity_id=row.id, detail=f"{row.kind}: {problem}" if problem else row.kind)


def hold(session: Session, row: Notification, last_error: str, *, why: str,
         attempted: bool = False) -> None:
    """Needs attention: resending cannot help until staff change something (the address,
    consent); `last_error` is what the outbox shows, `why` the audit's reason. `attempted`:
    the server was asked (and will never take this address)."""
    if attempted:
        _attempted(row)
    row.status, row.claimed_by, row.claimed_until = STATUS_NEEDS_ATTENTION, "", None
    row.last_error = last_error
    audit.record(session, "notification_needs_attention", patient_id=row.patient_id,
                 entity="notification", entity_id=row.id, detail=f"{row.kind}: {why}")


# --- staff: retry and cancel (domain/email_actions.py) ---------------------------------------


_CANNOT_RETRY = sentence(QT_TRANSLATE_NOOP(
    "core", "Email {n} is {status}; only failed, held (needs attention) or cancelled emails "
    "can be retried."))
_PATIENT_GONE = sentence(QT_TRANSLATE_NOOP("core", "The patient of email {n} no longer exists."))
_STILL_CANNOT = sentence(QT_TRANSLATE_NOOP(
    "core", "Email {n} still cannot be sent: {problem}. Fix the patient's details first."))
_CANNOT_CANCEL = sentence(QT_TRANSLATE_NOOP(
    "core", "Email {n} is {status} and cannot be cancelled."))


def requeue(session: Session, row: Notification) -> None:
    """Staff retry a failed, held or cancelled email: queued again with the patient's current
    address (a step email is rewritten for it), attempts from zero."""
    if row.status in (STATUS_SENT, STATUS_SENDING, STATUS_QUEUED):
        raise RuleError(_CANNOT_RETRY(n=row.id, status=row.status))
    before = {"status": row.status, "recipient": row.recipient}
    if row.patient_id is not None and row.doctor_id is None:
        patient = session.get(Patient, row.patient_id)
        if patient is None:
            raise RuleError(_PATIENT_GONE(n=row.id))
        problem = recipient_problem(patient)
        if problem:
            raise ValidationError(_STILL_CANNOT(n=row.id, problem=problem))
        if row.recipient != patient.email:
            row.recipient, row.recipient_name = patient.email or "", patient.full_name
            step = session.get(TreatmentStep, row.step_id) if row.step_id else None
            if step is not None and row.kind in (KIND_STEP_FINISHED, KIND_STEP_STARTED):
                _rewrite(row, step_email(session, row.kind, patient.language, patient, step))
    row.status, row.attempts, row.next_attempt_at, row.last_error = STATUS_QUEUED, 0, None, ""
    audit.record(session, "email_retry", patient_id=row.patient_id, entity="notification",
                 entity_id=row.id, before=before, after={"status": row.status,
                                                          "recipient": row.recipient})


def cancel(session: Session, row: Notification) -> None:
    """Staff decide an email that has not gone out will not be sent."""
    if row.status in (STATUS_SENT, STATUS_SENDING, STATUS_CANCELLED):
        raise RuleError(_CANNOT_CANCEL(n=row.id, status=row.status))
    before = row.status
    row.status = STATUS_CANCELLED
    audit.record(session, "email_cancelled", patient_id=row.patient_id, entity="notification",
                 entity_id=row.id, before={"status": before}, after={"status": row.status})
