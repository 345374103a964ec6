"""Read the clinic's mailbox once: patients' photos imported, bounces recorded, each message
handled exactly once across restarts and PCs, then flagged and moved (never deleted).

Exactly once: a message is known by the folder's UIDVALIDITY and its UID. The PC that
inserts its mail_message row (ON CONFLICT DO NOTHING) handles it; the row says "done" in the
transaction that links the imported photos, before the message is moved. A crash before
"done" leaves a claim that runs out, and the next poll handles the message again: its photos
are then duplicates (SHA-256 per patient) and change nothing. A crash after "done" and
before the move leaves the message in the folder; the next poll only moves it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from clinic_desktop import audit, clock, lease
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import InboxItem, MailMessage, Notification, Patient, Photo
from clinic_desktop.errors import ClinicError, ExitCode
from clinic_desktop.mail.imap import (
    ImapSettings,
    Mailbox,
    MailboxError,
    MailboxSetupError,
    is_configured,
    load_imap_settings,
    password_for,
)
from clinic_desktop.mail.reading import Attachment, ReadMail, read_mail
from clinic_desktop.notify import outbox
from clinic_desktop.notify.delivery import holder_name
from clinic_desktop.photos.importer import DUPLICATE, IMPORTED, REFUSED, UNMATCHED, PhotoImporter
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

log = logging.getLogger(__name__)

POLL_MINUTES = 3  # how often the scheduler reads the mailbox: replies show up within minutes
CLAIM_SECONDS = 600  # a PC that has not finished a message by then is presumed gone
CLAIMED, DONE = "claimed", "done"

# What became of a message (mail_message.outcome)
PHOTOS = "photos"  # photos imported for a patient
ALREADY_THERE = "duplicate"  # a patient's photos, every one imported before
UNKNOWN_SENDER = "unmatched"  # photos kept in the inbox: a reply we cannot match
NO_PHOTOS = "no_photos"  # no photo in it: in the inbox with the reason
BOUNCE = "bounce"  # an email of ours never arrived: marked, address flagged
DELAYED = "delayed"  # a report that delivery is only delayed: nothing changes
UNKNOWN_BOUNCE = "bounce_unknown"  # a report about an email we did not send
AUTO_REPLY = "auto_reply"  # an out-of-office answer without files: nothing to do


def incoming_dir(data_dir: Path) -> Path:
    """Where each message and its attachments are written before anything is imported, so
    nothing is lost if the PC stops halfway; kept after import like a watched folder's
    imported/."""
    return data_dir / "incoming" / "mail"


@dataclass(frozen=True)
class HandledMail:
    uid: int
    outcome: str
    summary: str
    photos: int = 0


@dataclass
class PollReport:
    handled: list[HandledMail] = field(default_factory=list)
    moved: int = 0  # messages handled before (another PC, a crash) moved only now
    error: str = ""
    setup_error: bool = False
    elsewhere: str = ""  # the PC that reads the mailbox, when it is not this one
    stopped: bool = False

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def attention(self) -> bool:
        """Something staff should look at: the inbox got mail, an address bounced."""
        return bool(self.error) or any(h.outcome in (UNKNOWN_SENDER, NO_PHOTOS, BOUNCE)
                                       for h in self.handled)

    def summary(self) -> str:
        if self.elsewhere:
            return self.elsewhere
        counts: dict[str, int] = {}
        for handled in self.handled:
            counts[handled.outcome] = counts.get(handled.outcome, 0) + 1
        parts = [_OUTCOMES[outcome](n=n) for outcome, n in counts.items()]
        text = _READ_SOME(n=len(self.handled), parts=", ".join(parts)) if parts \
            else _READ(n=0)
        if self.moved:
            text += "; " + _MOVED_NOW(n=self.moved)
        if self.error:
            text += f"; {self.error}"
        if self.stopped:
            text += "; " + _STOPPED()
        return text


# What a poll did, for the tray and `mail poll` (each PC phrases it in its language).
_READ = sentence(QT_TRANSLATE_NOOP("core", "{n} email(s) read"))
_READ_SOME = sentence(QT_TRANSLATE_NOOP("core", "{n} email(s) read: {parts}"))
_OUTCOMES = {
    PHOTOS: sentence(QT_TRANSLATE_NOOP("core", "{n} with photos imported")),
    ALREADY_THERE: sentence(QT_TRANSLATE_NOOP("core", "{n} with photos already there")),
    UNKNOWN_SENDER: sentence(QT_TRANSLATE_NOOP(
        "core", "{n} from unknown senders (photos in the inbox)")),
    NO_PHOTOS: sentence(QT_TRANSLATE_NOOP("core", "{n} without photos (in the inbox)")),
    BOUNCE: sentence(QT_TRANSLATE_NOOP("core", "{n} bounce(s) recorded")),
    DELAYED: sentence(QT_TRANSLATE_NOOP("core", "{n} delay report(s)")),
    UNKNOWN_BOUNCE: sentence(QT_TRANSLATE_NOOP("core", "{n} bounce(s) of other mail")),
    AUTO_REPLY: sentence(QT_TRANSLATE_NOOP("core", "{n} automatic answer(s)")),
}
_MOVED_NOW = sentence(QT_TRANSLATE_NOOP("core", "{n} read before, moved now"))
_STOPPED = sentence(QT_TRANSLATE_NOOP(
    "core", "stopped when the app quit, the rest is read at the next start"))
_ELSEWHERE = sentence(QT_TRANSLATE_NOOP(
    "core", "The PC {pc} reads the mailbox right now; nothing was read here."))


def poll_mailbox(app: Any, *, holder: str, should_stop: Callable[[], bool] | None = None,
                 password: Callable[[ImapSettings], str] = password_for,
                 now: Callable[[], datetime] = clock.now_utc) -> PollReport:
    """Read every message in imap.folder once (see the module). Problems with the server,
    the login or the settings end the poll with report.error; a message that cannot be
    handled is left for the next poll and the rest go on."""

    stopping = should_stop or (lambda: False)
    report = PollReport()
    with app.sessions() as session:
        config = load_imap_settings(session)
    mailbox = Mailbox(config, password(config))
    try:
        mailbox.open()
        validity = mailbox.select()
        uids = mailbox.uids()
        known = _known(app, config.mailbox, validity, uids)
        importer = None
        for uid in uids:
            if stopping():
                report.stopped = True
                break
            row = known.get(uid)
            if row is not None and row[1] == DONE:
                mailbox.finish(uid)
                _moved(app, row[0])
                report.moved += 1
                continue
            row_id = _claim(app, config.mailbox, validity, uid, holder, now())
            if row_id is None:
                continue  # another PC is reading it right now
            raw = mailbox.fetch(uid)
            if raw is None:
                continue  # taken out of the folder meanwhile (a person, another program)
            if importer is None:
                importer = PhotoImporter.for_app(app, app.clinic_today())
            folder = _folder_for(app, config.mailbox, validity, uid)
            try:
                handled = handle_message(app, importer, row_id, uid, raw, folder=folder,
                                         now=now())
            except (OSError, SQLAlchemyError, ClinicError):
                raise  # this PC's disk or database, not the message: stop, try again later
            except Exception as exc:  # one message that cannot be read never stops the rest
                log.exception("Email %s in %s could not be read", uid, config.mailbox)
                handled = _unreadable(app, row_id, uid, folder / "message.eml", exc)
            report.handled.append(handled)
            mailbox.finish(uid)
            _moved(app, row_id)
    except MailboxError as exc:
        report.error, report.setup_error = str(exc), isinstance(exc, MailboxSetupError)
    finally:
        mailbox.close()
    return report


def _folder_for(app: Any, mailbox: str, validity: int, uid: int) -> Path:
    key = hashlib.sha256(mailbox.encode()).hexdigest()[:10]
    return incoming_dir(app.paths.data_dir) / f"{key}-{validity}-{uid}"


def _known(app: Any, mailbox: str, validity: int, uids: list[int]) -> dict[int, tuple[int, str]]:
    if not uids:
        return {}
    with app.sessions() as session:
        rows = session.execute(select(MailMessage.uid, MailMessage.id, MailMessage.status).where(
            MailMessage.mailbox == mailbox, MailMessage.uidvalidity == validity,
            MailMessage.uid.in_(uids))).all()
    return {r.uid: (r.id, r.status) for r in rows}


def _claim(app: Any, mailbox: str, validity: int, uid: int, holder: str,
           now: datetime) -> int | None:
    """This PC's claim on a message, or None when it is done or another PC holds it."""
    until = now + timedelta(seconds=CLAIM_SECONDS)
    with write_session(app.sessions) as session:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        new_id = session.execute(
            insert(MailMessage.__table__).values(
                mailbox=mailbox, uidvalidity=validity, uid=uid, status=CLAIMED,
                claimed_by=holder, claimed_until=until, moved=False, message_id="",
                sender="", subject="", outcome="", summary="", created_at=now)
            .on_conflict_do_nothing(index_elements=["mailbox", "uidvalidity", "uid"])
            .returning(MailMessage.__table__.c.id)).scalar()
        if new_id is not None:
            return int(new_id)
        # Claimed before by a PC that did not finish (it stopped): ours once that ran out.
        taken = session.execute(
            update(MailMessage).where(MailMessage.mailbox == mailbox,
                                      MailMessage.uidvalidity == validity,
                                      MailMessage.uid == uid, MailMessage.status == CLAIMED,
                                      MailMessage.claimed_until < now)
            .values(claimed_by=holder, claimed_until=until)
            .returning(MailMessage.id)).scalar()
        return int(taken) if taken is not None else None


def _moved(app: Any, row_id: int) -> None:
    with write_session(app.sessions) as session:
        session.execute(update(MailMessage).where(MailMessage.id == row_id).values(moved=True))


# --- one message ------------------------------------------------------------------------------


def handle_message(app: Any, importer: Any, row_id: int, uid: int, raw: bytes, *,
                   folder: Path, now: datetime) -> HandledMail:
    """Write the message and its files to `folder`, then import, keep in the inbox or record
    the bounce; the row is "done" in the same transaction as the photos are linked to it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "message.eml").write_bytes(raw)
    mail = read_mail(raw)
    if mail.bounce is not None:
        with write_session(app.sessions) as session:
            outcome, summary, notification_id, patient_id = _record_bounce(session, mail, now)
            _done(session, row_id, mail, outcome, summary, patient_id=patient_id,
                  notification_id=notification_id)
        return HandledMail(uid, outcome, summary)
    with app.sessions() as session:
        patient, notification_id = _sender(session, mail)
        code = patient.code if patient is not None else None
        patient_id = patient.id if patient is not None else None
    files = [(a, _write(folder, n, a)) for n, a in enumerate(mail.attachments, start=1)]
    photos = [(a, path) for a, path in files if a.is_photo]
    others = [(a, path) for a, path in files if not a.is_photo]
    who = mail.sender or _UNKNOWN_SENDER()
    unmatched = _UNMATCHED(sender=who, subject=mail.subject)
    outcomes = [importer.import_file(path, patient_code=code, taken_at=mail.sent_at,
                                     unmatched_reason="" if code else unmatched)
                for _attachment, path in photos]
    with write_session(app.sessions) as session:
        problems = [(path, o.message) for (_a, path), o in zip(photos, outcomes, strict=True)
                    if o.status == REFUSED]
        problems += [(path, _NOT_A_PHOTO(kind=a.content_type, sender=who)
                      + ("" if code else f"; {unmatched}")) for a, path in others]
        if not photos and not others and not mail.auto_reply:
            problems.append((folder / "message.eml",
                             _WITHOUT_PHOTOS(sender=who, subject=mail.subject)
                             + ("" if code else f"; {unmatched}")))
        for path, reason in problems:
            _refused(session, path, reason)
        linked = _link_photos(session, row_id, [path for _a, path in photos])
        imported = [o for o in outcomes if o.status == IMPORTED]
        if imported:
            outcome = PHOTOS
            progressed = next((o.message for o in imported if o.progressed), "")
            summary = (f"{code}: {len(imported)} photo(s) imported"
                       + (f"; {progressed}" if progressed else ""))
        elif outcomes and all(o.status == DUPLICATE for o in outcomes):
            outcome, summary = ALREADY_THERE, f"{code}: the photos were imported before"
        elif any(o.status == UNMATCHED for o in outcomes):
            outcome, summary = UNKNOWN_SENDER, f"{len(outcomes)} photo(s) kept in the photo " \
                f"inbox: {unmatched}"
        elif mail.auto_reply and not problems:
            outcome, summary = AUTO_REPLY, f"an automatic answer from {who}; nothing to do"
        else:
            outcome = NO_PHOTOS
            summary = "; ".join(reason for _path, reason in problems) or "no photos"
        _done(session, row_id, mail, outcome, summary, patient_id=patient_id,
              notification_id=notification_id)
        audit.record(session, "email_read", patient_id=patient_id, entity="mail_message",
                     entity_id=row_id, detail=f"from {who}: {summary}")
    return HandledMail(uid, outcome, summary, photos=len(linked))


# Why a file of an email waits in the photo inbox (InboxItem.reason), phrased by each PC.
_UNKNOWN_SENDER = sentence(QT_TRANSLATE_NOOP("core", "an unknown sender"))
_UNMATCHED = sentence(QT_TRANSLATE_NOOP(
    "core", "a reply we cannot match (from {sender}, subject '{subject}')"))
_NOT_A_PHOTO = sentence(QT_TRANSLATE_NOOP("core", "not a photo ({kind}) in an email from "
                                                  "{sender}"))
_WITHOUT_PHOTOS = sentence(QT_TRANSLATE_NOOP(
    "core", "an email without photos from {sender} (subject '{subject}')"))


_UNREADABLE = sentence(QT_TRANSLATE_NOOP(
    "core", "an email that could not be read ({problem}); it is kept as it came"))


def _unreadable(app: Any, row_id: int, uid: int, kept: Path, exc: Exception) -> HandledMail:
    """The message is kept (message.eml) and shown in the photo inbox; it is done."""
    reason = _UNREADABLE(problem=f"{type(exc).__name__}: {exc}")
    with write_session(app.sessions) as session:
        _refused(session, kept, reason)
        _done(session, row_id, ReadMail("", "", "", None, []), NO_PHOTOS, reason,
              patient_id=None, notification_id=None)
    return HandledMail(uid, NO_PHOTOS, reason)


def _write(folder: Path, number: int, attachment: Attachment) -> Path:
    """Each file in a numbered folder of its own, under the name the patient gave it."""
    place = folder / str(number)
    place.mkdir(exist_ok=True)
    path = place / attachment.filename
    path.write_bytes(attachment.data)
    return path


def _sender(session: Session, mail: ReadMail) -> tuple[Patient | None, int | None]:
    """The patient a message is from: the one our email it answers went to, else the one
    patient with the sender's address; (None, None) when neither is certain."""
    if mail.answers:
        rows = session.execute(select(Notification.message_id, Notification.id,
                                      Notification.patient_id, Notification.doctor_id)
                               .where(Notification.message_id.in_(mail.answers))).all()
        by_id = {r.message_id: r for r in rows}
        for answered in mail.answers:
            row = by_id.get(answered)
            if row is not None and row.patient_id is not None and row.doctor_id is None:
                return session.get(Patient, row.patient_id), row.id
    if mail.sender:
        found = session.scalars(select(Patient).where(
            func.lower(Patient.email) == mail.sender).limit(2)).all()
        if len(found) == 1:
            return found[0], None
    return None, None


def _record_bounce(session: Session, mail: ReadMail, now: datetime
                   ) -> tuple[str, str, int | None, int | None]:
    assert mail.bounce is not None
    ids = list(dict.fromkeys(mail.quoted_ids + mail.answers))
    row = session.scalar(select(Notification).where(Notification.message_id.in_(ids))
                         .order_by(Notification.id.desc()).limit(1)) if ids else None
    if row is None:
        return UNKNOWN_BOUNCE, (f"a delivery report about an email Clinic Desktop did not "
                                f"send: {mail.bounce.reason}"), None, None
    if not mail.bounce.permanent:
        return DELAYED, (f"email {row.id} to {row.recipient} is delayed: "
                         f"{mail.bounce.reason}; nothing changes"), row.id, row.patient_id
    outbox.mark_bounced(session, row, mail.bounce.reason, now)
    patient = session.get(Patient, row.patient_id) if row.patient_id is not None else None
    flagged = f"; {patient.code}'s address is marked as bouncing" \
        if patient is not None and patient.is_bouncing and row.doctor_id is None else ""
    return BOUNCE, (f"email {row.id} to {row.recipient} bounced: {mail.bounce.reason}"
                    f"{flagged}"), row.id, row.patient_id


def _refused(session: Session, path: Path, reason: str) -> None:
    """A file of an email that is not a photo (or not a usable one): in the inbox with why,
    once (a message handled again after a crash finds it there)."""
    if session.scalar(select(InboxItem.id).where(InboxItem.source_path == str(path))):
        return
    item = InboxItem(status=REFUSED, reason=reason, source_path=str(path),
                     original_name=path.name)
    session.add(item)
    session.flush()
    audit.record(session, "photo_refused", entity="photo_inbox", entity_id=item.id,
                 detail=f"{path.name}: {reason}")


def _link_photos(session: Session, row_id: int, paths: list[Path]) -> list[int]:
    """The photos imported from these files came by this email (also those imported on a
    first try that stopped before it was done)."""
    if not paths:
        return []
    ids = list(session.scalars(select(Photo.id).where(
        Photo.source_path.in_([str(p) for p in paths]))))
    if ids:
        session.execute(update(Photo).where(Photo.id.in_(ids)).values(mail_message_id=row_id))
    return ids


def _done(session: Session, row_id: int, mail: ReadMail, outcome: str, summary: str, *,
          patient_id: int | None, notification_id: int | None) -> None:
    row = session.get(MailMessage, row_id, with_for_update=True)
    assert row is not None
    row.status, row.claimed_by, row.claimed_until = DONE, "", None
    row.message_id, row.sender = mail.message_id[:400], mail.sender[:320]
    row.subject, row.sent_at = mail.subject[:400], mail.sent_at
    row.outcome, row.summary, row.handled_at = outcome, summary, clock.now_utc()
    row.patient_id, row.notification_id = patient_id, notification_id


# --- who polls ----------------------------------------------------------------------------


def poll_once(app: Any, *, holder: str | None = None,
              should_stop: Callable[[], bool] | None = None) -> PollReport | None:
    """The one way to read the mailbox, for the scheduler and `mail poll`: only the PC that
    holds the sender lease reads (the claims per message keep it to once even if two did).
    With a `holder` (the scheduler's) the lease is already held. Without one (a command) it
    is taken for this poll unless another PC holds it, which the report then names. None
    when reading the mailbox is not set up."""

    with app.sessions() as session:
        if not is_configured(session):
            return None
    taken_here = False
    if holder is None:
        holder = holder_name()
        with app.sessions() as session:
            state = lease.current(session)
        if state is not None and state.holder != holder and not state.is_stale(clock.now_utc()):
            return PollReport(elsewhere=_ELSEWHERE(pc=state.holder))
        taken_here = lease.acquire(app.sessions, holder) and (
            state is None or state.holder != holder)
    try:
        return poll_mailbox(app, holder=holder, should_stop=should_stop)
    except ClinicError as exc:  # not set up: the settings or the password are missing
        return PollReport(error=str(exc), setup_error=exc.exit_code == ExitCode.USAGE)
    finally:
        if taken_here:
            lease.release(app.sessions, holder)
