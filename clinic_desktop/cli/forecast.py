"""`clinic-desktop forecast`: which emails the coming days bring, to whom, why, and when."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from clinic_desktop.cli.args import LONGEST_FORECAST_DAYS, forecast_days
from clinic_desktop.cli.common import Parents, open_clinic, table
from clinic_desktop.errors import ExitCode

if TYPE_CHECKING:
    from clinic_desktop.domain.forecast import Forecast, ForecastEmail


def add_parsers(sub: Any, parents: Parents) -> None:
    p = sub.add_parser("forecast", parents=[parents.common],
                       help="which emails the next days bring, to whom, why and when "
                            "(a rehearsal: nothing is queued or sent)")
    p.add_argument("--days", type=forecast_days, metavar="N",
                   help="how many days, today first (default 7, at most "
                        f"{LONGEST_FORECAST_DAYS})")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_forecast)


def cmd_forecast(args: argparse.Namespace) -> int:
    from clinic_desktop import settings
    from clinic_desktop.domain.forecast import DEFAULT_DAYS
    from clinic_desktop.scheduler import forecast

    app = open_clinic(args)
    with app.sessions() as session:
        zone = settings.clinic_zone(session)
        daily_time = settings.get(session, "schedule.daily_time")
    result = forecast(app, args.days or DEFAULT_DAYS)
    if args.json:
        print(json.dumps(as_json(result, zone), ensure_ascii=False, indent=2))
    else:
        print_forecast(result, zone, daily_time)
    return ExitCode.OK


def _local(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat() if moment is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def as_json(result: Forecast, zone: ZoneInfo) -> dict[str, Any]:
    """The `forecast --json` contract (docs/scheduling.md "Forecast"): times in the clinic's
    zone with their offset, dates as YYYY-MM-DD."""
    def hhmm(value: time | None) -> str | None:
        return value.strftime("%H:%M") if value is not None else None

    return {
        "today": result.today.isoformat(), "time_zone": zone.key,
        "auto_progress": result.auto_progress, "rate_per_minute": result.rate_per_minute,
        "send_window": {"start": hhmm(result.window_start), "end": hhmm(result.window_end)},
        "not_sent": result.not_sent,
        "days": [{
            "day": d.day.isoformat(), "check_at": _local(d.check_at, zone),
            "last_send_at": _local(d.last_send_at, zone),
            "emails": [{
                "kind": e.kind, "outcome": e.outcome, "sends_at": _local(e.sends_at, zone),
                "reason": e.reason, "recipient": e.recipient, "patient": e.patient_code,
                "patient_name": e.patient_name, "doctor": e.doctor_name,
                "step": e.step_order, "step_name": e.step_name,
                "step_ends": _day(e.step_ends), "step_starts": _day(e.step_starts),
                "reminder": e.reminder_number, "of_reminders": e.max_reminders,
                "queued_before": e.queued_before, "subject": e.subject,
            } for e in d.emails],
        } for d in result.days],
    }


def why(email: ForecastEmail) -> str:
    """The email and the reason for it, in the CLI's words."""
    from clinic_desktop.notify import outbox

    step = f"step {email.step_order} '{email.step_name}'"
    if email.kind == outbox.KIND_STEP_FINISHED:
        return f"photo required: {step} ended on {_day(email.step_ends)}"
    if email.kind == outbox.KIND_STEP_STARTED:
        return f"new step started: {step} from {_day(email.step_starts)}"
    if email.kind == outbox.KIND_PHOTO_REMINDER:
        return (f"photo reminder {email.reminder_number} of {email.max_reminders}: {step} "
                f"ended on {_day(email.step_ends)}")
    if email.kind == outbox.KIND_DOCTOR_DIGEST:
        return "the doctor's daily summary"
    if email.kind == outbox.KIND_DOCTOR_PROGRESS:
        return f"progress note to the doctor: {email.patient_code} completed {step}"
    return email.kind.replace("_", " ")


def _moment(moment: datetime, day: date, zone: ZoneInfo, clock_format: str) -> str:
    """The time, with the date when it is not the forecast day's (a long queue at a low
    sending limit runs into the next days)."""
    local = moment.astimezone(zone)
    return local.strftime(clock_format if local.date() == day else f"%Y-%m-%d {clock_format}")


def _when(email: ForecastEmail, day: date, zone: ZoneInfo) -> str:
    """The time it goes out, or what becomes of it instead (the reason is told with why)."""
    from clinic_desktop.domain import forecast as forecasting

    if email.outcome == forecasting.SENT and email.sends_at is not None:
        return _moment(email.sends_at, day, zone, "%H:%M:%S")
    return {forecasting.WAITING: "waits"}.get(email.outcome, email.outcome)


def _why_and_reason(email: ForecastEmail) -> str:
    return why(email) + (f" ({email.outcome}: {email.reason})" if email.reason else "")


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def print_forecast(result: Forecast, zone: ZoneInfo, daily_time: time) -> None:
    window = (f"emails go out from {result.window_start:%H:%M} to {result.window_end:%H:%M}"
              if result.window_start and result.window_end else "emails go out at any time")
    print(f"Forecast from {_long_date(result.today)} ({zone.key}): the daily check runs at "
          f"{daily_time:%H:%M}; {window}, at most {result.rate_per_minute} a minute; steps "
          f"are {'advanced automatically' if result.auto_progress else 'advanced by photos'}. "
          "Photos that arrive meanwhile change it; nothing was queued or sent.")
    if result.not_sent:
        print(f"No email can go out: {result.not_sent}")
    for day in result.days:
        check = "today's check has run" if day.check_at is None else \
            f"daily check at {day.check_at.astimezone(zone):%H:%M}"
        if day.last_send_at is not None:
            sent = sum(1 for e in day.emails if e.sends_at is not None)
            check += (f"; the last of {sent} email(s) goes out at "
                      f"{_moment(day.last_send_at, day.day, zone, '%H:%M')}")
        print(f"\n{_long_date(day.day)}: {check}")
        if not day.emails:
            print("  No emails.")
            continue
        print(table(["sends", "to", "address", "email and why"],
                     [[_when(e, day.day, zone),
                       e.doctor_name or f"{e.patient_code} {e.patient_name}",
                       e.recipient or "-", _why_and_reason(e)] for e in day.emails]))
