"""The clinic's idea of now and today: one place, so tests and --today can pin it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from clinic_desktop.errors import ValidationError


@dataclass
class SimulatedClock:
    """A clock that moves only when told: the forecast rehearses the coming days on it."""

    at: datetime

    def sleep(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


# Per thread (a ContextVar): while a forecast rehearses next week on a worker thread, the
# window, the scheduler and the other threads keep the real time.
_simulated: ContextVar[SimulatedClock | None] = ContextVar("simulated_clock", default=None)


@contextmanager
def simulated(start: datetime) -> Iterator[SimulatedClock]:
    """Within it, this thread's now_utc(), monotonic() and sleep() follow a simulated clock,
    and so does every time the rules write (completed_at, created_at, sent_at, audit)."""
    clock = SimulatedClock(start.astimezone(UTC))
    token = _simulated.set(clock)
    try:
        yield clock
    finally:
        _simulated.reset(token)


def now_utc() -> datetime:
    simulated_clock = _simulated.get()
    return simulated_clock.at if simulated_clock is not None else datetime.now(UTC)


def monotonic() -> float:
    """Seconds for measuring waits (the rate limit): time.monotonic, or the simulated clock."""
    simulated_clock = _simulated.get()
    return simulated_clock.at.timestamp() if simulated_clock is not None else time.monotonic()


def sleep(seconds: float) -> None:
    simulated_clock = _simulated.get()
    if simulated_clock is not None:
        simulated_clock.sleep(seconds)
    else:
        time.sleep(seconds)


def today_in(zone: ZoneInfo, at: datetime | None = None) -> date:
    """The calendar date in the clinic's zone (a patient's 'today' is the clinic's)."""
    return (at or now_utc()).astimezone(zone).date()


# Dates staff type (today, plan starts, pauses, when photos were taken) lie in this range;
# a typo like 0001-01-01 or 9999-12-31 would otherwise overflow the date arithmetic.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def check_date_range(value: date, what: str = "date") -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(f"The {what} {value.isoformat()} is out of range: use a date "
                              f"from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}.")
    return value


def parse_date(text: str, what: str = "date") -> date:
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{text!r} is not a valid {what}; write it as YYYY-MM-DD, "
                              "e.g. 2026-03-01.") from None
    return check_date_range(value, what)


def acting_day(requested: date | None, real_today: date, *, writes: bool = True) -> date:
    """The day a command acts as of: `--today` when given, else the clinic's today.

    A later day is for trying a plan: a command that writes (queues emails, completes
    steps) refuses it, since what it queued "as of" that day would reach patients before
    the day comes. Dry runs and commands that only show things may look ahead.
    """
    if requested is None:
        return real_today
    if writes and requested > real_today:
        raise ValidationError(
            f"--today {requested.isoformat()} is after today ({real_today.isoformat()}): "
            "emails and progressions made as of a future day would reach patients before "
            "their steps end. Add --dry-run to see what would happen on that day.")
    return requested
