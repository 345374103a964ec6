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
