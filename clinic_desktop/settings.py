"""Clinic settings kept in the database: known keys, their types, defaults and validation."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop import audit
from clinic_desktop.db.models import Setting
from clinic_desktop.errors import ConfigError, ValidationError

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+$"  # name
    r"|^\[?[0-9a-fA-F:.]+\]?$"  # IPv4 or IPv6 address
)
_SECRET_WORDS = ("password", "secret", "token")


def local_zone_name() -> str:
    """The PC's IANA zone (tzlocal reads it from Windows' registry too), UTC if unknown."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception:  # tzlocal raises several types on misconfigured machines
        return "UTC"
    return name if name and _is_zone(name) else "UTC"


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _parse_text(raw: str) -> str:
    value = raw.strip()
    if "\n" in value or "\r" in value:
        raise ValueError("must be a single line")
    return value


def _parse_language(raw: str) -> str:
    from clinic_desktop.notify.render import available_languages

    value = raw.strip().lower()
    if value not in available_languages():
        raise ValueError(f"must be one of: {', '.join(available_languages())}")
    return value


def _parse_time(raw: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", raw.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError("must be a time of day as HH:MM, e.g. 09:00")
    return time(int(match[1]), int(match[2]))


def _parse_optional_time(raw: str) -> time | None:
    return None if not raw.strip() else _parse_time(raw)


def _format_time(value: time | None) -> str:
    return "" if value is None else value.strftime("%H:%M")


def _parse_zone(raw: str) -> str:
    name = raw.strip()
    if not _is_zone(name):
        raise ValueError("must be an IANA time zone name such as Europe/Berlin or "
                         "America/New_York")
    return name


def _parse_host(raw: str) -> str:
    host = raw.strip()
    if host and not _HOSTNAME.match(host):
        raise ValueError("must be a host name such as smtp.gmail.com or an IP address")
    return host


def _parse_optional_email(raw: str) -> str:
    value = raw.strip()
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"must be an email address ({exc})") from None


class _Choice:
    """A parser for one of a few words; the UI shows them as a drop-down."""

    def __init__(self, *allowed: str):
        self.choices = allowed

    def __call__(self, raw: str) -> str:
        value = raw.strip().lower()
        if value not in self.choices:
            raise ValueError(f"must be one of: {', '.join(self.choices)}")
        return value


_choice = _Choice


class _WholeNumber:
    """A whole number within a range a clinic can mean: a typo such as 99999999999 is refused
    where it is typed, not found out when the scheduler or the mail server chokes on it."""

    def __init__(self, low: int, high: int, unit: str = ""):
        self.low, self.high = low, high
        self.allowed = f"{low}-{high}" + (f" {unit}" if unit else "")

    def __call__(self, raw: str) -> int:
        text = raw.strip()
        # Only ASCII digits: int() would also take "1_000", "+5" and other scripts' digits.
        if not re.fullmatch(r"[0-9]{1,12}", text) or not self.low <= int(text) <= self.high:
            raise ValueError(f"must be a whole number from {self.low} to {self.high}")
        return int(text)


_number = _WholeNumber


def _optional_path(raw: str) -> str:
    # Checked when used, not here: a network share may be offline while settings are edited.
    return _parse_text(raw)


def _unsubscribe(raw: str) -> str:
    value = raw.strip()
    if value and not re.match(r"^(mailto:[^\s@]+@[^\s@]+|https://\S+)$", value):
        raise ValueError("must be empty, a mailto: address or an https:// link")
    return value


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("yes", "true", "1", "on"):
        return True
    if value in ("no", "false", "0", "off", ""):
        return False
    raise ValueError("must be yes or no")


def _format_bool(value: bool) -> str:
    return "yes" if value else "no"


def _folders(raw: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", raw) if part.strip()]


def _format_folders(value: list[str]) -> str:
    return ";".join(value)


def _regex_with_code(raw: str) -> str:
    value = raw.strip()
    try:
        compiled = re.compile(value)
    except re.error as exc:
        raise ValueError(f"must be a regular expression ({exc})") from None
    if compiled.groups != 1:
        raise ValueError("must contain exactly one (group) around the patient code")
    return value


@dataclass(frozen=True)
class SettingSpec:
    key: str
    description: str
    default: Callable[[], str]
    parse: Callable[[str], Any]
    format: Callable[[Any], str] = str
    allowed: str = ""

    @property
    def choices(self) -> tuple[str, ...]:
        if self.parse is _parse_bool:
            return ("yes", "no")
        return getattr(self.parse, "choices", ())


def _spec(key: str, description: str, default: str | Callable[[], str],
          parse: Callable[[str], Any], fmt: Callable[[Any], str] = str,
          allowed: str = "") -> SettingSpec:
    default_fn = default if callable(default) else (lambda: default)
    return SettingSpec(key, description, default_fn, parse, fmt,
                       allowed or getattr(parse, "allowed", ""))


SPECS: dict[str, SettingSpec] = {s.key: s for s in [
    _spec("clinic.name", "The clinic's name, shown in emails", "Our Clinic", _parse_text,
          allowed="text"),
    _spec("clinic.phone", "Phone number patients can call", "", _parse_text, allowed="text"),
    _spec("clinic.email", "Address patients can write to", "", _parse_optional_email,
          allowed="email address or empty"),
    _spec("clinic.address", "Postal address, shown in email footers", "", _parse_text,
          allowed="text"),
    _spec("clinic.logo", "Logo image (PNG/JPEG) for emails; empty = the Clinic Desktop logo", "",
          _optional_path, allowed="file path or empty"),
    _spec("clinic.language", "Language of emails to doctors (patients: their own)", "en",
          _parse_language, allowed="a language with email templates, e.g. en, de"),
    _spec("clinic.timezone", "Time zone for 'today' and the daily check", local_zone_name,
          _parse_zone, allowed="IANA zone, e.g. Europe/London"),
    _spec("schedule.daily_time", "When the daily check for finished steps runs", "09:00",
          _parse_time, _format_time, allowed="HH:MM"),
    _spec("schedule.auto_progress", "The daily check also starts the next step without "
          "waiting for a photo (the seed's --auto-progress)", "no", _parse_bool, _format_bool,
          allowed="yes, no"),
    _spec("send_window.start", "Emails are sent from this time (empty = any time)", "",
          _parse_optional_time, _format_time, allowed="HH:MM or empty"),
    _spec("send_window.end", "Emails are sent until this time (empty = any time)", "",
          _parse_optional_time, _format_time, allowed="HH:MM or empty"),
    _spec("smtp.host", "Mail server host name", "", _parse_host, allowed="host name"),
    _spec("smtp.port", "Mail server port", "587", _number(1, 65535)),
    _spec("smtp.security", "How the connection is encrypted", "starttls",
          _choice("starttls", "tls", "none"), allowed="starttls, tls, none"),
    _spec("smtp.username", "Mail account user name", "",
          _parse_text, allowed="text"),
    _spec("smtp.from", "Sender address of patient emails", "", _parse_optional_email,
          allowed="email address"),
    _spec("smtp.reply_to", "Where patients' replies go", "", _parse_optional_email,
          allowed="email address or empty"),
    _spec("smtp.ca_file", "Extra CA certificate file to trust (for an in-house mail server)",
          "", _optional_path, allowed="file path or empty"),
    _spec("smtp.timeout", "Seconds to wait for the mail server", "30",
          _number(1, 600, "seconds")),
    _spec("smtp.rate_per_minute", "At most this many emails a minute (Gmail and Microsoft "
          "365 throttle above ~30)", "20", _number(1, 10_000)),
    _spec("smtp.max_attempts", "Give up on an email after this many temporary failures", "6",
          _number(1, 50)),
    _spec("notify.doctor_mode", "Tell doctors about progress per event or as a daily digest",
          "digest", _choice("event", "digest"), allowed="event, digest"),
    _spec("notify.reminder_after_days", "Remind a patient about the photo after this many days",
          "3", _number(1, 365, "days")),
    _spec("notify.max_reminders", "At most this many photo reminders per step (0 = none)", "2",
          _number(0, 20)),
    _spec("notify.list_unsubscribe", "Opt-out address or link for the List-Unsubscribe header",
          "", _unsubscribe, allowed="mailto:… or https://… or empty"),
    _spec("photos.library_dir", "Where imported photos are kept (empty = the data folder's "
          "photos/; may be a network share)", "", _optional_path, allowed="folder or empty"),
    _spec("photos.watch_folders", "Folders watched for new photos, separated by ';'", "",
          _folders, _format_folders, allowed="folders separated by ;"),
    _spec("photos.after_import", "What happens to a watched file once imported", "move",
          _choice("move", "keep"), allowed="move (to imported/), keep"),
    _spec("photos.poll_seconds", "How often watched folders are checked", "30",
          _number(1, 86_400, "seconds")),
    _spec("photos.stable_seconds", "A file is taken once its size has not changed this long",
          "5", _number(1, 3600, "seconds")),
    _spec("photos.max_megapixels", "Larger images are refused (protects against decompression "
          "bombs)", "100", _number(1, 1000)),
    _spec("photos.code_pattern", "How a patient code is found in a file or folder name",
          r"(?<![A-Za-z0-9])([A-Za-z]\d{3,})(?![A-Za-z0-9])", _regex_with_code,
          allowed="regular expression with one (group)"),
    _spec("export.csv_separator", "Column separator of exported CSV files: Excel with German, "
          "French or Dutch regional settings expects semicolon", "comma",
          _choice("comma", "semicolon"), allowed="comma, semicolon"),
    _spec("reports.late_after_days", "A step counts as late this many days after its due date",
          "3", _number(1, 365, "days")),
]}


def spec_for(key: str) -> SettingSpec:
    spec = SPECS.get(key)
    if spec is not None:
        return spec
    if any(word in key.lower() for word in _SECRET_WORDS):
        raise ConfigError(f"{key!r} cannot be stored in settings: passwords live only in the "
                          "system keyring. Use `clinic-desktop smtp set-password`.")
    raise ConfigError(f"Unknown setting {key!r}. Known settings: {', '.join(sorted(SPECS))}.")


def parse_value(key: str, raw: str) -> Any:
    spec = spec_for(key)
    try:
        return spec.parse(raw)
    except ValueError as exc:
        raise ValidationError(f"{key} {exc} (got {raw!r}).") from None


def get(session: Session, key: str) -> Any:
    """The typed value; a damaged stored value is reported, never silently replaced."""
    spec = spec_for(key)
    row = session.get(Setting, key)
    raw = row.value if row is not None else spec.default()
    try:
        return spec.parse(raw)
    except ValueError as exc:
        raise ConfigError(
            f"The stored setting {key} = {raw!r} is not valid: it {exc}. Fix it with "
            f"`clinic-desktop settings set {key} VALUE`."
        ) from None


def get_text(session: Session, key: str) -> str:
    spec = spec_for(key)
    return spec.format(get(session, key))


def set_value(session: Session, key: str, raw: str) -> Any:
    spec = spec_for(key)
    value = parse_value(key, raw)
    text = spec.format(value)
    row = session.get(Setting, key)
    before = row.value if row is not None else None
    if row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text
    audit.record(session, "setting_changed", entity="setting", before={key: before},
                 after={key: text})
    return value


@dataclass(frozen=True)
class SettingRow:
    key: str
    value: str
    is_default: bool
    problem: str
    description: str
    allowed: str


def show_all(session: Session) -> list[SettingRow]:
    stored = {row.key: row.value for row in session.scalars(select(Setting))}
    rows = []
    for key, spec in SPECS.items():
        raw = stored.get(key, spec.default())
        problem = ""
        try:
            spec.parse(raw)
        except ValueError as exc:
            problem = f"invalid: {exc}"
        rows.append(SettingRow(key, raw, key not in stored, problem, spec.description,
                               spec.allowed))
    return rows


def clinic_zone(session: Session) -> ZoneInfo:
    return ZoneInfo(get(session, "clinic.timezone"))

