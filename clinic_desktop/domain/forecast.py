"""The forecast: the coming days' daily checks and sending, rehearsed on a simulated clock."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import clock, settings
from clinic_desktop.db.engine import rehearsal
from clinic_desktop.db.models import Doctor, Notification, Patient, TreatmentStep
from clinic_desktop.domain.daily_check import daily_check
from clinic_desktop.errors import ClinicError
from clinic_desktop.notify import outbox
from clinic_desktop.notify.delivery import deliver_outbox, due_count, window_is_open
from clinic_desktop.notify.smtp import SmtpConnection

DEFAULT_DAYS = 7
LONGEST = 31  # a month ahead; beyond that the plans change too much to promise anything

# What becomes of an email in the forecast.
SENT = "sent"  # goes out at `sends_at`
HELD = "held"  # cannot go out: no address, no consent, a bouncing address (the outbox's reason)
WAITING = "waiting"  # stays in the outbox that day: sending is not set up, or the queue is long
FAILED = "failed"  # failed before the forecast began; staff retry it in the outbox

_OUTCOMES = {outbox.STATUS_SENT: SENT, outbox.STATUS_NEEDS_ATTENTION: HELD,
             outbox.STATUS_QUEUED: WAITING, outbox.STATUS_SENDING: WAITING,
             outbox.STATUS_FAILED: FAILED}


@dataclass(frozen=True)
class ForecastEmail:
    """One email of a forecast day, as facts; the CLI and the window put them in words."""

    kind: str  # outbox.KIND_*
    outcome: str  # SENT, HELD, WAITING or FAILED
    sends_at: datetime | None  # UTC, for SENT
    reason: str  # why it is HELD (or FAILED): the outbox's words
    recipient: str
    subject: str
    patient_code: str  # "" for an email to a doctor
    patient_name: str
    doctor_name: str  # "" for an email to a patient
    step_order: int | None
    step_name: str
    step_ends: date | None  # the day the step ended (it is due from then)
    step_starts: date | None  # the day the step started, for "new step started"
    reminder_number: int | None  # for a photo reminder: n of `max_reminders`
    max_reminders: int | None
    queued_before: bool  # was already waiting in the outbox before that day's check


@dataclass
class ForecastDay:
    day: date
    check_at: datetime | None  # UTC; None: today's check has already run
    emails: list[ForecastEmail] = field(default_factory=list)

    @property
    def last_send_at(self) -> datetime | None:
        """When the last email of the day goes out (the rate limit and the send window
        decide), or None when none does."""
        return max((e.sends_at for e in self.emails if e.sends_at is not None), default=None)


@dataclass
class Forecast:
    today: date
    days: list[ForecastDay]
    auto_progress: bool
    rate_per_minute: int
    window_start: time | None
    window_end: time | None
    not_sent: str = ""  # why no email goes out at all (sending is not set up), or ""
    stopped: bool = False  # asked to stop (the app quit) before every day was rehearsed


class _AcceptingConnection(SmtpConnection):
    """A mail server that takes every email: the forecast counts them as sent when the send
    window and the rate limit let them go, and nothing leaves this PC."""

    def open(self) -> None:
        pass

    def send(self, message: EmailMessage) -> None:
        pass

    def close(self) -> None:
        pass


def forecast(sessions: sessionmaker[Session], days: int = DEFAULT_DAYS, *,
             today_checked: bool = False,
             should_stop: Callable[[], bool] | None = None) -> Forecast:
    """Which emails the next `days` days bring, to whom, why, and when they go out.

    The rules are not imitated: on a rehearsal copy of the database (db.engine.rehearsal,
    rolled back), with the clock simulated (clock.simulated), each day's daily check runs at
    schedule.daily_time as the scheduler runs it, and delivery sends through a connection
    that accepts everything, inside the send window, at the rate limit. So pauses, consent,
    missing or refused addresses, reminders counted from when the last one was sent, the
    doctors' digest and auto-progress all come from the code that does them for real.
    `today_checked`: today's check has already run (the scheduler's claim), so today only
    sends what waits. Photos that arrive meanwhile are not known: a forecast holds until the
    next import.
    """
    now = clock.now_utc()
    with sessions() as session:
        zone = settings.clinic_zone(session)
        daily_time = settings.get(session, "schedule.daily_time")
        auto = settings.get(session, "schedule.auto_progress")
        most = settings.get(session, "notify.max_reminders")
        start, end = settings.get(session, "send_window.start"), \
            settings.get(session, "send_window.end")
        rate = settings.get(session, "smtp.rate_per_minute")
    today = clock.today_in(zone, now)
    result = Forecast(today, [], auto, rate, start, end)

    def check_time(day: date) -> datetime:
        return datetime.combine(day, daily_time, zone).astimezone(UTC)

    with rehearsal(sessions) as rehearsed, clock.simulated(now) as simulated:
        with rehearsed() as session:
            seen = session.scalar(select(func.max(Notification.id))) or 0
            waiting = session.scalars(select(Notification.id).where(Notification.status.in_(
                [outbox.STATUS_QUEUED, outbox.STATUS_SENDING]))).all()
        for offset in range(days):
            if should_stop is not None and should_stop():
                result.stopped = True
                break
            day = today + timedelta(days=offset)
            forecast_day = ForecastDay(day, None)
            if not (offset == 0 and today_checked):
                simulated.at = max(simulated.at, check_time(day))
                forecast_day.check_at = simulated.at
                if daily_check(rehearsed, day, auto_progress=auto,
                               should_stop=should_stop).stopped:
                    result.stopped = True
                    break
            shown: set[int] = set(waiting if offset == 0 else ())
            if not result.not_sent:
                result.not_sent = _send_until(rehearsed, simulated, check_time(day + timedelta(
                    days=1)), start, end, zone, shown, should_stop)
            with rehearsed() as session:
                forecast_day.emails = _emails(session, seen, shown, most)
                seen = session.scalar(select(func.max(Notification.id))) or 0
            result.days.append(forecast_day)
    return result


def _send_until(sessions: sessionmaker[Session], simulated: clock.SimulatedClock, until: datetime,
                start: time | None, end: time | None, zone: ZoneInfo, sent_ids: set[int],
                should_stop: Callable[[], bool] | None) -> str:
    """Send as the scheduler's sending job does (every minute, inside the send window) until
    the next day's check; the ids sent go into `sent_ids`. Returns why nothing can be sent
    (sending is not set up), or ""."""
    minute = timedelta(minutes=1)
    while simulated.at < until:
        if not window_is_open(start, end, simulated.at.astimezone(zone).time()):
            simulated.at += minute  # the sending job looks again a minute later
            continue
        with sessions() as session:
            due = due_count(session, simulated.at)
            retry_at = None if due else session.scalar(
                select(func.min(Notification.next_attempt_at)).where(
                    Notification.status == outbox.STATUS_QUEUED,
                    Notification.next_attempt_at > simulated.at))
        if not due:
            if retry_at is None or retry_at >= until:
                return ""
            simulated.at = retry_at  # an email to try again (it failed before the forecast)
            continue
        try:
            report = deliver_outbox(sessions, password=lambda _config: None,
                                    holder="forecast", connect=_AcceptingConnection,
                                    should_stop=should_stop)
        except ClinicError as exc:  # sending is not set up: the emails wait in the outbox
            return str(exc)
        sent_ids.update(id_ for id_, status, _ in report.details if status == outbox.STATUS_SENT)
        if report.error or report.stopped:
            return report.error
    return ""


def _reminder_number(key: str) -> int | None:
    """n of a photo reminder's dedupe key "photo-reminder:<step id>:<n>"
    (reminders.queue_reminder)."""
    number = key.rsplit(":", 1)[-1]
    return int(number) if key.startswith("photo-reminder:") and number.isdigit() else None


def _emails(session: Session, seen: int, also: Iterable[int], most: int) -> list[ForecastEmail]:
    """The emails the day's check queued (ids above `seen`) and those in `also` (sent that
    day, or waiting before the forecast began), the ones sent first, in sending order."""
    rows = session.execute(
        select(Notification, Patient.code, Patient.first_name, Patient.last_name,
               Doctor.name.label("doctor_name"), TreatmentStep.order,
               TreatmentStep.name.label("step_name"), TreatmentStep.due_date,
               TreatmentStep.start_date)
        .outerjoin(Patient, Patient.id == Notification.patient_id)
        .outerjoin(Doctor, Doctor.id == Notification.doctor_id)
        .outerjoin(TreatmentStep, TreatmentStep.id == Notification.step_id)
        .where(or_(Notification.id > seen, Notification.id.in_(sorted(also))),
               Notification.status != outbox.STATUS_CANCELLED)).all()
    emails: list[tuple[int, ForecastEmail]] = []
    for row in rows:
        note: Notification = row[0]
        outcome = _OUTCOMES[note.status]
        reminder = _reminder_number(note.dedupe_key) if note.kind == \
            outbox.KIND_PHOTO_REMINDER else None
        emails.append((note.id, ForecastEmail(
            kind=note.kind, outcome=outcome,
            sends_at=note.sent_at if outcome == SENT else None,
            reason=note.last_error.removeprefix("Not sent: ").rstrip(".")
            if outcome in (HELD, FAILED) else "",
            recipient=note.recipient, subject=note.subject,
            patient_code=row.code or "",
            patient_name=f"{row.first_name or ''} {row.last_name or ''}".strip(),
            doctor_name=row.doctor_name or "" if note.doctor_id is not None else "",
            step_order=row.order, step_name=row.step_name or "", step_ends=row.due_date,
            step_starts=row.start_date, reminder_number=reminder,
            max_reminders=max(most, reminder) if reminder else None,
            queued_before=note.id <= seen)))
    never = datetime.max.replace(tzinfo=UTC)
    emails.sort(key=lambda pair: (pair[1].sends_at or never, pair[0]))
    return [email for _, email in emails]
