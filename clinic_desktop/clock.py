"""The clinic's idea of now and today: one place, so tests and --today can pin it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from clinic_desktop.errors import ValidationError


def now_utc() -> datetime:
    return datetime.now(UTC)


def today_in(zone: ZoneInfo, at: datetime | None = None) -> date:
    """The calendar date in the clinic's zone (a patient's 'today' is the clinic's)."""
    return (at or now_utc()).astimezone(zone).date()


def parse_date(text: str, what: str = "date") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{text!r} is not a valid {what}; write it as YYYY-MM-DD, "
                              "e.g. 2026-03-01.") from None


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
