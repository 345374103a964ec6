"""Send the outbox over SMTP: one connection per batch, rate limit, retries, each email once."""

from __future__ import annotations

import logging
import os
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import audit, clock, settings
from clinic_desktop.db.engine import busy_problem, is_transient, until_written, write_session
from clinic_desktop.db.models import DeliveryAttempt, Notification, Patient
from clinic_desktop.errors import ConfigError
from clinic_desktop.notify import outbox
from clinic_desktop.notify.context import clinic_context
from clinic_desktop.notify.message import Sender, build_message, needs_smtputf8, new_message_id
from clinic_desktop.notify.render import TEST_EMAIL, templates_for
from clinic_desktop.notify.smtp import (
    DeliveryError,
    SmtpConnection,
    SmtpSettings,
    SmtpSetupError,
    load_smtp_settings,
    make_sender,
    password_for,
    server_words,
    smtp_connection,
)
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

log = logging.getLogger(__name__)

CLAIM_SECONDS = 600  # a sender that has not finished a claimed email by then is presumed dead
BATCH_SIZE = 20


# --- the send window --------------------------------------------------------------------------


def window_is_open(start: time | None, end: time | None, at: time) -> bool:
    """Both empty: any time. start < end: that span. start > end: across midnight."""
    if start is None or end is None or start == end:
        return True
    if start < end:
        return start <= at < end
    return at >= start or at < end


# --- delivery ---------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    error: str = ""  # why delivery stopped early (connection, login, settings)
    setup_error: bool = False  # the error needs a setting, password or certificate fixed
    stopped: bool = False  # asked to stop (the app quit) while emails were still due
    window_closed: str = ""  # "until 08:00" when the send window is shut
    details: list[tuple[int, str, str]] = field(default_factory=list)  # (id, outcome, detail)

    @property
    def ok(self) -> bool:
        return not self.error and not self.failed


@dataclass(frozen=True)
class _Claimed:
    id: int
    recipient: str
    recipient_name: str
    subject: str
    text: str
    html: str
    message_id: str
    to_doctor: bool = False


def holder_name() -> str:
    return f"{audit.host_name()}:{os.getpid()}"


def _due_filter(now: datetime) -> Any:
    return or_(
        and_(Notification.status == outbox.STATUS_QUEUED,
             or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now)),
        # A sender that died while sending left its claim behind; it expires.
        and_(Notification.status == outbox.STATUS_SENDING, Notification.claimed_until < now),
    )


def due_count(session: Session, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(_due_filter(now))) or 0


def _claim(sessions: sessionmaker[Session], holder: str, now: datetime, limit: int,
           domain: str) -> list[_Claimed]:
    """Take up to `limit` due emails for this sender only.

    PostgreSQL: FOR UPDATE SKIP LOCKED lets two PCs claim side by side without overlap.
    SQLite: the write lock taken at BEGIN IMMEDIATE makes claims one at a time.
    """
    claimed = []
    with write_session(sessions) as session:
        rows = session.scalars(select(Notification).where(_due_filter(now))
                               .order_by(Notification.id).limit(limit)
                               .with_for_update(skip_locked=True)).all()
        to_patients = {r.id: r.patient_id for r in rows
                       if r.doctor_id is None and r.kind in outbox.PATIENT_KINDS}
        patients = {p.id: p for p in session.scalars(select(Patient).where(
            Patient.id.in_({i for i in to_patients.values() if i is not None})))}
        for row in rows:
            if row.status == outbox.STATUS_SENDING:
                session.add(DeliveryAttempt(
                    notification_id=row.id, host=row.claimed_by or "unknown", outcome="interrupted",
                    detail="The sender stopped while sending (PC switched off or program ended); "
                           "sending again with the same Message-ID, so the mail program shows "
                           "one email even if the first one arrived."))
            if row.id in to_patients and not outbox.recheck_recipient(
                    session, row, patients.get(row.patient_id or 0)):
                continue
            outbox.claim(session, row, holder, now + timedelta(seconds=CLAIM_SECONDS), domain)
            claimed.append(_Claimed(row.id, row.recipient, row.recipient_name, row.subject,
                                    row.body_text, row.body_html, row.message_id,
                                    to_doctor=row.doctor_id is not None))
    return claimed


def _record(sessions: sessionmaker[Session], notification_id: int, *, outcome: str,
            holder: str, now: datetime, code: int | None = None, detail: str = "",
            max_attempts: int = 1) -> str:
    """Write what the server said; returns the row's new status. Tried again until it is
    written (a busy or unreachable database only delays it): an email the server accepted
    and left 'sending' would be sent again by the next sender."""
    return until_written(
        lambda: _record_once(sessions, notification_id, outcome=outcome, holder=holder,
                             now=now, code=code, detail=detail, max_attempts=max_attempts),
        f"email {notification_id} ({outcome}, the mail server's answer) is not written "
        "down yet and")


def _record_once(sessions: sessionmaker[Session], notification_id: int, *, outcome: str,
                 holder: str, now: datetime, code: int | None, detail: str,
                 max_attempts: int) -> str:
    with write_session(sessions) as session:
        row = session.get(Notification, notification_id, with_for_update=True)
        assert row is not None
        if not (row.status == outbox.STATUS_SENDING and row.claimed_by == holder) and (
                outcome != "sent" or row.status == outbox.STATUS_SENT):
            # Another sender took this email over while this one was paused (PC asleep,
            # frozen): the row is theirs to move on. Only this attempt is noted; an email
            # accepted by the server, though, is sent whoever holds it (nobody resends it).
            taker = row.claimed_by or "another sender"
            session.add(DeliveryAttempt(
                notification_id=row.id, host=holder, outcome=outcome, smtp_code=code, at=now,
                detail=f"{detail or 'Sent'} after {taker} had taken it over ({row.status})"))
            log.warning("Email %s: %s after %s had taken it over (it is %s).", row.id,
                        outcome, taker, row.status)
            return row.status
        if outcome == "sent":
            outbox.mark_sent(session, row, now)
        elif outcome == "needs_attention":  # the address must change; resending cannot help
            outbox.hold(session, row, detail, why=detail, attempted=True)
        elif outcome == "retry":
            outbox.mark_retry(session, row, now, detail, max_attempts)
            if row.status == outbox.STATUS_FAILED:  # the attempts ran out
                outcome, detail = "failed", row.last_error
        else:
            outbox.mark_failed(session, row, detail)
        session.add(DeliveryAttempt(notification_id=row.id, host=holder, outcome=outcome,
                                    smtp_code=code, detail=detail, at=now))
        return row.status


def _still_ours(sessions: sessionmaker[Session], item: _Claimed, holder: str,
                now: datetime) -> bool:
    """The fence, read just before the email goes to the server: this sender still holds
    its claim. A sender frozen (SIGSTOP, a sleeping PC) past its lease finds its claims
    freed or taken by the PC that took over, and sends none of them."""
    with sessions() as session:
        claim = session.execute(select(Notification.status, Notification.claimed_by,
                                       Notification.claimed_until)
                                .where(Notification.id == item.id)).one()
    return claim.status == outbox.STATUS_SENDING and claim.claimed_by == holder and \
        claim.claimed_until is not None and claim.claimed_until >= now


RELEASE_PATIENCE_SECONDS = 30  # then the claims simply run out (CLAIM_SECONDS)


def _release(sessions: sessionmaker[Session], ids: list[int], holder: str) -> None:
    """Give back claims we could not try (server gone, app quitting): they stay queued,
    attempts unchanged. A database too busy to take them back only delays them."""
    if not ids:
        return

    def give_back() -> None:
        with write_session(sessions) as session:
            outbox.release_claims(session, ids, holder)

    try:
        until_written(give_back, f"giving back {len(ids)} email(s) not sent yet",
                      patience=RELEASE_PATIENCE_SECONDS)
    except OperationalError as exc:
        if not is_transient(exc):
            raise
        log.warning("The database stayed busy: %s email(s) not sent yet are due again when "
                    "their claim runs out (%s minutes).", len(ids), CLAIM_SECONDS // 60)


_UNTIL = sentence(QT_TRANSLATE_NOOP("core", "until {time}"))
_FOR_NOW = sentence(QT_TRANSLATE_NOOP("core", "for now"))
_NO_LONGER_SENDER = sentence(QT_TRANSLATE_NOOP(
    "core", "this PC is no longer the sender (another PC took over, or the database did not "
    "answer); the rest goes out from the sender, or at the next run"))


def deliver_outbox(sessions: sessionmaker[Session], *,
                   now: Callable[[], datetime] = clock.now_utc,
                   password: Callable[[SmtpSettings], str | None] = password_for,
                   sleep: Callable[[float], None] = clock.sleep,
                   holder: str | None = None, limit: int | None = None,
                   keep_going: Callable[[], bool] | None = None,
                   should_stop: Callable[[], bool] | None = None,
                   connect: Callable[[SmtpSettings, str | None], SmtpConnection] = SmtpConnection,
                   ) -> DeliveryReport:
    """Send every due email once, over one connection, at most smtp.rate_per_minute a minute.

    4xx answers, timeouts and dropped connections are retried later with exponential backoff
    (up to smtp.max_attempts); 5xx answers fail at once with the server's words. A connection
    or login problem stops the batch and leaves the emails queued. `keep_going` is asked
    before each batch (the scheduler renews its sender lease there and stops when it lost it).
    `should_stop` (the app quits) is asked before each email, also while waiting for the rate
    limit: the emails not sent yet go back to the queue untouched, for the next run.
    `connect` makes the connection (the forecast's accepts every email without a server);
    the rate limit waits by the clinic's clock (`clock.monotonic`), which a forecast simulates.
    """
    stopping = should_stop or (lambda: False)
    holder = holder or holder_name()
    report = DeliveryReport()
    with sessions() as session:
        config = load_smtp_settings(session)
        zone = settings.clinic_zone(session)
        start, end = settings.get(session, "send_window.start"), \
            settings.get(session, "send_window.end")
        if not window_is_open(start, end, now().astimezone(zone).time()):
            report.window_closed = _UNTIL(time=start.strftime("%H:%M")) if start \
                else _FOR_NOW()
            return report
        if due_count(session, now()) == 0:
            return report
    if stopping():
        report.stopped = True
        return report
    sender = make_sender(config)
    interval = 60.0 / config.rate_per_minute
    # A batch must go out well within its claim, or the claims of its last emails run out
    # while they wait for the rate limit (at 1 a minute, 20 take 20 minutes).
    batch_size = max(1, min(BATCH_SIZE, int(CLAIM_SECONDS / 2 / interval)))
    connection = connect(config, password(config))
    last_send = 0.0
    remaining = limit
    try:
        connection.open()
        while remaining is None or remaining > 0:
            if stopping():
                report.stopped = True
                break
            if keep_going is not None and not keep_going():
                report.error = _NO_LONGER_SENDER()
                break
            try:
                batch = _claim(sessions, holder, now(),
                               min(batch_size, remaining or batch_size), sender.domain)
            except OperationalError as exc:
                busy = busy_problem(exc)
                if busy is None:
                    raise
                report.error = busy
                break
            if not batch:
                break
            for index, item in enumerate(batch):
                wait = last_send + interval - clock.monotonic()
                if wait > 0:
                    _pause(wait, sleep, should_stop)
                if stopping():
                    _release(sessions, [c.id for c in batch[index:]], holder)
                    report.stopped = True
                    return report
                if not _still_ours(sessions, item, holder, now()):
                    log.warning("Email %s is not sent from here: this sender was paused past "
                                "its claim, and it is due again or another PC sends it.",
                                item.id)
                    continue
                last_send = clock.monotonic()
                try:
                    outcome, code, detail = _send_one(connection, sender, item, now())
                except DeliveryError as exc:
                    # Reconnecting failed: the server is gone. Keep the rest for later.
                    _record(sessions, item.id, outcome="retry", holder=holder, now=now(),
                            detail=str(exc), max_attempts=config.max_attempts)
                    _release(sessions, [c.id for c in batch[index + 1:]], holder)
                    report.retrying += 1
                    report.error = str(exc)
                    return report
                status = _record(sessions, item.id, outcome=outcome, holder=holder, now=now(),
                                 code=code, detail=detail, max_attempts=config.max_attempts)
                report.details.append((item.id, status, detail))
                if status == outbox.STATUS_SENT:
                    report.sent += 1
                elif status in (outbox.STATUS_FAILED, outbox.STATUS_NEEDS_ATTENTION):
                    report.failed += 1  # both need staff; details and the outbox tell which
                else:
                    report.retrying += 1
            if remaining is not None:
                remaining -= len(batch)
    except DeliveryError as exc:
        # Only the first connection ends up here: a failure mid-batch is handled above.
        report.error = str(exc)
        report.setup_error = isinstance(exc, SmtpSetupError)
    finally:
        connection.close()
    return report


def _pause(seconds: float, sleep: Callable[[float], None],
           should_stop: Callable[[], bool] | None) -> None:
    """Wait for the rate limit; in short naps when a stop may come, so that quitting never
    waits for it (one email every few seconds is a common provider limit)."""
    naps = max(1, int(seconds / 0.2) + 1) if should_stop is not None else 1
    for _ in range(naps):
        if should_stop is not None and should_stop():
            return
        sleep(seconds / naps)


_ASK_PATIENT = sentence(QT_TRANSLATE_NOOP(
    "core", "Not sent: {problem}; ask the patient for another address."))
_ASK_DOCTOR = sentence(QT_TRANSLATE_NOOP(
    "core", "Not sent: {problem}; ask the doctor for another address."))
_NO_SMTPUTF8_CLINIC = sentence(QT_TRANSLATE_NOOP(
    "core", "The mail server {where} does not accept addresses with non-English letters "
    "before the @ (SMTPUTF8), such as the clinic's {address} ({setting}). Choose one with only "
    "English letters before the @ in Settings → Email."))
_ADDRESS_REFUSED = sentence(QT_TRANSLATE_NOOP(
    "core", "The server refused the address {address}: {words}"))
_REFUSED_FOR_NOW = sentence(QT_TRANSLATE_NOOP("core", "Temporary refusal: {words}"))
_EMAIL_REFUSED = sentence(QT_TRANSLATE_NOOP("core", "The server refused the email: {words}"))
_DROPPED = sentence(QT_TRANSLATE_NOOP("core", "The connection dropped while sending ({why})"))


def _send_one(connection: SmtpConnection, sender: Sender, item: _Claimed,
              at: datetime) -> tuple[str, int | None, str]:
    """(outcome, smtp code, detail) for one email; reconnects once after a dropped line."""
    message = build_message(sender=sender, recipient=item.recipient,
                            recipient_name=item.recipient_name, subject=item.subject,
                            text=item.text, html=item.html, message_id=item.message_id, date=at)
    try:
        connection.send(message)
    except smtplib.SMTPNotSupportedError:
        # Only SMTPUTF8 can be missing here (STARTTLS and AUTH were settled when connecting):
        # an address with non-English letters before the @. This server will never take it.
        if needs_smtputf8(item.recipient):
            problem = outbox.address_problem(item.recipient, smtputf8=False) or \
                "the mail server does not offer SMTPUTF8"
            who = "doctor" if item.to_doctor else "patient"
            return "needs_attention", None, (_ASK_PATIENT if who == "patient"
                                             else _ASK_DOCTOR)(problem=problem)
        address, setting = (sender.address, "smtp.from") if needs_smtputf8(sender.address) \
            else (sender.reply_to, "smtp.reply_to")
        raise DeliveryError(_NO_SMTPUTF8_CLINIC(where=connection.config.describe(),
                                                address=address, setting=setting)) from None
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        words = f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
        return ("retry" if 400 <= code < 500 else "failed"), code, \
            _ADDRESS_REFUSED(address=item.recipient, words=words)
    except smtplib.SMTPResponseException as exc:
        words = server_words(exc)
        if 400 <= exc.smtp_code < 500:
            connection.close()  # 421 closes the channel; start clean next time
            return "retry", exc.smtp_code, _REFUSED_FOR_NOW(words=words)
        return "failed", exc.smtp_code, _EMAIL_REFUSED(words=words)
    except (smtplib.SMTPServerDisconnected, TimeoutError, OSError) as exc:
        connection.close()
        connection.open()  # raises DeliveryError when the server is really gone
        return "retry", None, _DROPPED(why=exc or type(exc).__name__)
    return "sent", 250, ""


# --- test email -------------------------------------------------------------------------------


_NO_TEST_EMAIL = sentence(QT_TRANSLATE_NOOP("core", "Cannot send the test email: {problem}."))
_CONNECTED = sentence(QT_TRANSLATE_NOOP("core", "Connected to {where}."))
_LOGGED_IN = sentence(QT_TRANSLATE_NOOP("core", "Connected to {where}, logged in as {user}."))
_NO_SMTPUTF8_TEST = sentence(QT_TRANSLATE_NOOP(
    "core", "The mail server {where} does not accept addresses with non-English letters "
    "before the @ (SMTPUTF8), such as {address} or the clinic's sender or reply address."))
_TEST_EMAIL_REFUSED = sentence(QT_TRANSLATE_NOOP(
    "core", "The server refused the test email: {words}"))
_TEST_EMAIL_SENT = sentence(QT_TRANSLATE_NOOP(
    "core", "Test email sent to {address} (Message-ID {message_id})."))


def send_test_email(sessions: sessionmaker[Session], to: str | None) -> str:
    """Connect, encrypt, log in, and (with `to`) send the test email. Returns what happened."""
    with sessions() as session:
        config = load_smtp_settings(session)
        rendered = templates_for(session).render(TEST_EMAIL, "en", {
            "clinic": clinic_context(session), "sent_at": clock.now_utc().astimezone(
                settings.clinic_zone(session)).replace(tzinfo=None), "pc": audit.host_name()})
    problem = outbox.address_problem(to) if to else None
    if problem:
        raise ConfigError(_NO_TEST_EMAIL(problem=problem))
    sender = make_sender(config)
    with smtp_connection(config, password_for(config)) as connection:
        result = _LOGGED_IN(where=config.describe(), user=config.username) if config.username \
            else _CONNECTED(where=config.describe())
        if to:
            message = build_message(sender=sender, recipient=to, recipient_name="",
                                    subject=rendered.subject, text=rendered.text,
                                    html=rendered.html,
                                    message_id=new_message_id(0, sender.domain),
                                    date=clock.now_utc())
            try:
                connection.send(message)
            except smtplib.SMTPNotSupportedError:
                raise DeliveryError(_NO_SMTPUTF8_TEST(where=config.describe(), address=to)) \
                    from None
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = next(iter(exc.recipients.values()))
                raise DeliveryError(_ADDRESS_REFUSED(address=to, words=f"{code} {text!r}")) \
                    from None
            except smtplib.SMTPResponseException as exc:
                raise DeliveryError(_TEST_EMAIL_REFUSED(words=server_words(exc))) from None
            result += " " + _TEST_EMAIL_SENT(address=to, message_id=message["Message-ID"])
    with write_session(sessions) as session:
        audit.record(session, "smtp_test", detail=result)
    return result

