"""Benchmark the 7-day forecast of a large clinic against doing it by hand.

- ours: `clinic-desktop forecast` (scheduler.forecast): one rehearsal copy, the daily check of
  each of the 7 days on it, and the sending of each day simulated (send window, rate limit),
  so reminders and digests follow from what was sent the days before.
- baseline: what staff would do by hand: the real daily check as a dry run
  (`notify-finished-steps --dry-run --today D`) for each of the 7 days, each on its own copy.
  It does less (nothing is sent between the days, so no reminder follows a day's emails).

Two clinics of `--patients` demo patients (SQLite):
- backlog: the demo as built, thousands of finished steps never told (a clinic whose check
  has not run for weeks): the first day queues and sends them all;
- steady: the same after today's real check and sending: the forecast starts tomorrow, with
  the emails an ordinary day brings.

CPU seconds of this process (the machine is shared; wall seconds are printed too):

    python bench/forecast.py [--patients 10000]

RESULT forecast_7_days_backlog ours=<s> baseline=<s> ratio=<baseline/ours>
RESULT forecast_7_days_steady ours=<s> baseline=<s> ratio=<baseline/ours>
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clinic_desktop import clock, settings
from clinic_desktop.app import AppContext, open_app
from clinic_desktop.db.engine import write_session
from clinic_desktop.demo import build_demo
from clinic_desktop.domain.daily_check import daily_check
from clinic_desktop.notify.delivery import deliver_outbox
from clinic_desktop.notify.smtp import SmtpConnection
from clinic_desktop.scheduler import forecast

TODAY = date(2025, 6, 2)
DAYS = 7


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 6, tzinfo=UTC)


def ours(app: AppContext, first: date) -> int:
    with clock.simulated(morning(first)):
        result = forecast(app, DAYS)
    return sum(len(day.emails) for day in result.days)


def baseline(app: AppContext, first: date) -> int:
    queued = 0
    for offset in range(DAYS):
        check = daily_check(app.sessions, first + timedelta(days=offset), dry_run=True)
        queued += len(check.scan.items) + check.follow_ups.reminders + check.follow_ups.digests
    return queued


class _Accepting(SmtpConnection):
    """Today's real sending, for the steady clinic, without a mail server."""

    def open(self) -> None:
        pass

    def send(self, message: EmailMessage) -> None:
        pass

    def close(self) -> None:
        pass


def measure(name: str, app: AppContext, first: date) -> None:
    runs: dict[str, Callable[[AppContext, date], int]] = {"ours": ours, "baseline": baseline}
    cpu, wall, counts = {}, {}, {}
    for label, run in runs.items():
        started, began = time.process_time(), time.perf_counter()
        counts[label] = run(app, first)
        cpu[label], wall[label] = time.process_time() - started, time.perf_counter() - began
    print(f"{name}: the forecast lists {counts['ours']:,} emails in {cpu['ours']:.1f} s CPU "
          f"({wall['ours']:.1f} s wall); 7 dry runs by hand find {counts['baseline']:,} in "
          f"{cpu['baseline']:.1f} s CPU ({wall['baseline']:.1f} s wall)")
    print(f"RESULT {name} ours={cpu['ours']:.2f}s baseline={cpu['baseline']:.2f}s "
          f"ratio={cpu['baseline'] / cpu['ours']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-forecast-"))
    app = open_app(work / "data", None, log_to_file=False)
    with write_session(app.sessions) as session:
        build_demo(session, TODAY, args.patients)
        for key, value in {"smtp.host": "mail.example.org", "smtp.from": "x@example.org",
                           "smtp.rate_per_minute": "30", "notify.doctor_mode": "digest",
                           "send_window.start": "08:00", "send_window.end": "18:00"}.items():
            settings.set_value(session, key, value)
    print(f"{args.patients:,} demo patients (SQLite)")
    measure("forecast_7_days_backlog", app, TODAY)
    with clock.simulated(datetime(TODAY.year, TODAY.month, TODAY.day, 9, tzinfo=UTC)):
        daily_check(app.sessions, TODAY)
        deliver_outbox(app.sessions, password=lambda _config: None, connect=_Accepting)
    measure("forecast_7_days_steady", app, TODAY + timedelta(days=1))
    app.close()


if __name__ == "__main__":
    main()
