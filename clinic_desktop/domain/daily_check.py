"""The daily check: finished steps (and auto-progress), then photo reminders and digests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop.db.engine import rehearsal
from clinic_desktop.domain.due_scan import ScanReport, notify_finished_steps
from clinic_desktop.domain.reminders import FollowUpReport, run_follow_ups


@dataclass
class DailyCheck:
    scan: ScanReport
    follow_ups: FollowUpReport

    @property
    def stopped(self) -> bool:
        """Asked to stop (the app quit) before the check was done: run it again later."""
        return self.scan.stopped or self.follow_ups.stopped


def daily_check(sessions: sessionmaker[Session], today: date, *, auto_progress: bool = False,
                dry_run: bool = False,
                should_stop: Callable[[], bool] | None = None) -> DailyCheck:
    """What the scheduler, `notify-finished-steps` and "Run the daily check now" all run.

    A dry run runs exactly the same code and rolls all of it back, so what it promises
    (emails, progressions, reminders, digests) is what the real run does. `should_stop` is
    asked between two steps, reminders or digests (each is complete on its own); a stopped
    check has done part of its work and is finished by running it again.
    """
    if not dry_run:
        scan = notify_finished_steps(sessions, today, auto_progress=auto_progress,
                                     should_stop=should_stop)
        if scan.stopped:
            return DailyCheck(scan, FollowUpReport())
        return DailyCheck(scan, run_follow_ups(sessions, today, should_stop=should_stop))
    with rehearsal(sessions) as rehearsed:
        scan = notify_finished_steps(rehearsed, today, auto_progress=auto_progress)
        follow_ups = run_follow_ups(rehearsed, today)
    scan.dry_run = True
    return DailyCheck(scan, follow_ups)
