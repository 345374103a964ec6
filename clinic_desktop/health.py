"""The health line: who sends, what ran last, what waits. Shown by the tray, Today and
`status`; light enough for `status --patient` to start quickly (no scheduler, no renderer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop import clock, lease, settings
from clinic_desktop.db.models import InboxItem, JobRun, Notification, TreatmentStep
from clinic_desktop.domain.steps import finished_condition
from clinic_desktop.notify.status import (
    STATUS_FAILED,
    STATUS_NEEDS_ATTENTION,
    STATUS_QUEUED,
    STATUS_SENDING,
)
from clinic_desktop.photos.results import REFUSED, UNMATCHED
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

# The scheduled jobs, by the name their last run is recorded under (JobRun.name).
DAILY_CHECK = "daily_check"
DELIVERY = "delivery"
FOLDER_WATCH = "folder_watch"
SILENCE_WARNING = timedelta(hours=26)


@dataclass
class Health:
    sender: str  # who holds the sender lease, or ""
    sender_stale: bool
    last_daily: JobRun | None
    last_delivery: JobRun | None
    queued: int
    failed: int
    needs_attention: int
    inbox: int
    warnings: list[str] = field(default_factory=list)

def health(session: Session, now: datetime | None = None) -> Health:
    """Who sends, what ran last, what waits: shown by the tray, the dashboard and `status`."""
    now = now or clock.now_utc()
    state = lease.current(session)
    counts = dict(session.execute(select(Notification.status, func.count())
                                  .group_by(Notification.status)).all())
    result = Health(
        sender=state.holder if state else "", sender_stale=bool(state and state.is_stale(now)),
        last_daily=session.get(JobRun, DAILY_CHECK), last_delivery=session.get(JobRun, DELIVERY),
        queued=counts.get(STATUS_QUEUED, 0) + counts.get(STATUS_SENDING, 0),
        failed=counts.get(STATUS_FAILED, 0),
        needs_attention=counts.get(STATUS_NEEDS_ATTENTION, 0),
        inbox=inbox_count(session))
    zone = settings.clinic_zone(session)
    due_work = result.queued or any_due_step(session, now.astimezone(zone).date())
    last_activity = max((r.finished_at for r in (result.last_daily, result.last_delivery)
                         if r is not None and r.finished_at is not None), default=None)
    if due_work and (last_activity is None or now - last_activity > SILENCE_WARNING):
        result.warnings.append(_NEVER_RAN() if last_activity is None else _SILENT_SINCE(
            when=f"{last_activity.astimezone(zone):%Y-%m-%d %H:%M}"))
    return result


_NEVER_RAN = sentence(QT_TRANSLATE_NOOP(
    "core", "Work is waiting but nobody has checked or sent ever. Is the notifier running on "
    "any PC?"))
_SILENT_SINCE = sentence(QT_TRANSLATE_NOOP(
    "core", "Work is waiting but nobody has checked or sent since {when}. Is the notifier "
    "running on any PC?"))


def any_due_step(session: Session, today: date) -> bool:
    """Whether the due scan would find anything: one index probe, not every id."""
    return session.scalar(select(TreatmentStep.id).where(finished_condition(today))
                          .limit(1)) is not None


def inbox_count(session: Session) -> int:
    """Photos and files in the inbox that wait for staff."""
    return session.scalar(select(func.count()).select_from(InboxItem).where(
        InboxItem.status.in_([UNMATCHED, REFUSED]))) or 0
