"""Clinic settings kept in the database: known keys, their types, defaults and validation."""

from __future__ import annotations

import io
import os
import re
import ssl
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from re import _constants as c
from re import _parser
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tzlocal
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop import audit
from clinic_desktop.config import EMAIL_LANGUAGES
from clinic_desktop.db.models import Setting
from clinic_desktop.errors import ConfigError, ValidationError
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+$"  # name
    r"|^\[?[0-9a-fA-F:.]+\]?$"  # IPv4 or IPv6 address
)
_SECRET_WORDS = ("password", "secret", "token")


def local_zone_name() -> str:
    """The PC's IANA zone (tzlocal reads it from Windows' registry too), UTC if unknown."""
    try:
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


# Why a value cannot be a setting: after the setting's key ("smtp.port must be …").
_SINGLE_LINE = sentence(QT_TRANSLATE_NOOP("core", "must be a single line"))
_ONE_OF = sentence(QT_TRANSLATE_NOOP("core", "must be one of: {choices}"))
_TIME_OF_DAY = sentence(QT_TRANSLATE_NOOP("core", "must be a time of day as HH:MM, e.g. 09:00"))
_TIME_ZONE = sentence(QT_TRANSLATE_NOOP(
    "core", "must be an IANA time zone name such as Europe/Berlin or America/New_York"))
_HOST = sentence(QT_TRANSLATE_NOOP(
    "core", "must be a host name such as smtp.gmail.com or an IP address"))
_EMAIL_ADDRESS = sentence(QT_TRANSLATE_NOOP("core", "must be an email address ({why})"))
_WHOLE_NUMBER = sentence(QT_TRANSLATE_NOOP(
    "core", "must be a whole number from {n_low} to {n_high}"))
_REFUSED_AS_TYPED = sentence(QT_TRANSLATE_NOOP("core", "{setting} {rule} (got {raw})."))
_REFUSED = sentence(QT_TRANSLATE_NOOP("core", "{setting} {rule}."))


_YES_OR_NO = sentence(QT_TRANSLATE_NOOP("core", "must be yes or no"))


def _parse_text(raw: str) -> str:
    value = raw.strip()
    if "\n" in value or "\r" in value:
        raise ValueError(_SINGLE_LINE())
    return value


def _parse_language(raw: str) -> str:
    value = raw.strip().lower()
    if value not in EMAIL_LANGUAGES:
        raise ValueError(_ONE_OF(choices=", ".join(EMAIL_LANGUAGES)))
    return value


def _parse_time(raw: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", raw.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(_TIME_OF_DAY())
    return time(int(match[1]), int(match[2]))


def _parse_optional_time(raw: str) -> time | None:
    return None if not raw.strip() else _parse_time(raw)


def _format_time(value: time | None) -> str:
    return "" if value is None else value.strftime("%H:%M")


def _parse_zone(raw: str) -> str:
    name = raw.strip()
    if not _is_zone(name):
        raise ValueError(_TIME_ZONE())
    return name


def _parse_host(raw: str) -> str:
    host = raw.strip()
    if host and not _HOSTNAME.match(host):
        raise ValueError(_HOST())
    return host


def _parse_optional_email(raw: str) -> str:
    value = raw.strip()
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(_EMAIL_ADDRESS(why=exc)) from None


def _parse_folder(raw: str) -> str:
    value = _parse_text(raw)
    if not value:
        raise ValueError("must be a folder name")
    return value


class _Choice:
    """A parser for one of a few words; the UI shows them as a drop-down."""

    def __init__(self, *allowed: str):
        self.choices = allowed

    def __call__(self, raw: str) -> str:
        value = raw.strip().lower()
        if value not in self.choices:
            raise ValueError(_ONE_OF(choices=", ".join(self.choices)))
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
            raise ValueError(_WHOLE_NUMBER(n_low=self.low, n_high=self.high))
        return int(text)


_number = _WholeNumber


def _optional_path(raw: str) -> str:
    return _parse_text(raw)


# --- files and folders: checked when set, and shown as a problem if they go wrong later -------
# These checks look at the file system, so they run when a value is set and when settings are
# shown, never on every get(): a logo deleted later must not stop the daily check.

LOGO_MAX_BYTES = 1_000_000
LOGO_MAX_SIDE = 2000  # pixels
LOGO_RULE = sentence(QT_TRANSLATE_NOOP(
    "core", "must be a PNG or JPEG image of at most {n_megabytes} MB and {n_side}×{n_side} "
    "pixels, or empty for emails without a logo"))(n_megabytes=LOGO_MAX_BYTES // 1_000_000,
                                                   n_side=LOGO_MAX_SIDE)
CA_FILE_MAX_BYTES = 10_000_000
CA_FILE_RULE = sentence(QT_TRANSLATE_NOOP(
    "core", "must be a PEM file with the certificate of the CA that signed the mail server's "
    "certificate (it starts with -----BEGIN CERTIFICATE-----), or empty to trust only the "
    "system's certificates"))()
_MISSING = sentence(QT_TRANSLATE_NOOP("core", "{path} does not exist"))
_CANNOT_READ = sentence(QT_TRANSLATE_NOOP("core", "{path} cannot be read ({why})"))
_A_FOLDER = sentence(QT_TRANSLATE_NOOP("core", "{path} is a folder, not a file"))
_NOT_ORDINARY = sentence(QT_TRANSLATE_NOOP("core", "{path} is not an ordinary file"))
_TOO_LARGE = sentence(QT_TRANSLATE_NOOP("core", "{path} is {megabytes} MB"))
_WRONG_KIND = sentence(QT_TRANSLATE_NOOP("core", "{path} is a {kind} image"))
_TOO_MANY_PIXELS = sentence(QT_TRANSLATE_NOOP("core", "{path} is {n_width}×{n_height} pixels"))
_NOT_PNG_OR_JPEG = sentence(QT_TRANSLATE_NOOP("core", "{path} is not a PNG or JPEG image"))
_DAMAGED = sentence(QT_TRANSLATE_NOOP("core", "{path} is damaged ({why})"))
_NO_CERTIFICATE = sentence(QT_TRANSLATE_NOOP("core", "{path} holds no PEM certificate"))
_SYSTEM_FOLDER = sentence(QT_TRANSLATE_NOOP(
    "core", "{path} is a system folder of the operating system, not a place for photos"))
_A_FILE = sentence(QT_TRANSLATE_NOOP("core", "{path} is a file, not a folder"))
_LIBRARY_FOLDER = sentence(QT_TRANSLATE_NOOP(
    "core", "must be a folder (it may be on a network share that is offline now), or empty for "
    "the data folder's photos/; {problem}"))
_WATCH_FOLDERS = sentence(QT_TRANSLATE_NOOP(
    "core", "must be folders separated by semicolons (they may be on a network share that is "
    "offline now); {problems}"))
# Pseudo file systems of Linux and macOS: no photo belongs there, whatever is mounted.
_SYSTEM_FOLDERS = ("/proc", "/sys", "/dev")


def _regular_file_problem(path: str, max_bytes: int) -> str:
    """Why `path` is not a regular file of at most `max_bytes`, or ''."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return _MISSING(path=path)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        return _CANNOT_READ(path=path, why=getattr(exc, "strerror", None) or exc)
    if stat.S_ISDIR(info.st_mode):
        return _A_FOLDER(path=path)
    if not stat.S_ISREG(info.st_mode):  # a device or pipe could block or never end
        return _NOT_ORDINARY(path=path)
    if info.st_size > max_bytes:
        return _TOO_LARGE(path=path, megabytes=f"{info.st_size / 1_000_000:.1f}")
    return ""


def check_logo_file(path: str) -> None:
    """Raises ValueError saying why `path` cannot be the clinic's logo (empty: emails have
    none). The same test runs when clinic.logo is set and when settings are shown."""
    if not path:
        return
    problem = _regular_file_problem(path, LOGO_MAX_BYTES)
    if not problem:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            problem = _CANNOT_READ(path=path, why=exc.strerror or exc)
            raise ValueError(f"{LOGO_RULE}; {problem}") from None
        problem = _logo_image_problem(path, data)
    if problem:
        raise ValueError(f"{LOGO_RULE}; {problem}")


def _logo_image_problem(path: str, data: bytes) -> str:
    from PIL import Image, UnidentifiedImageError  # imported here: the CLI starts without it

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            if kind not in ("PNG", "JPEG", "MPO"):  # MPO: a camera's JPEG with a preview
                return _WRONG_KIND(path=path, kind=kind)
            if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
                return _TOO_MANY_PIXELS(path=path, n_width=width, n_height=height)
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # verify() does not decode JPEG data; a truncated file fails here
    except UnidentifiedImageError:
        return _NOT_PNG_OR_JPEG(path=path)
    except Exception as exc:  # Pillow's decoders raise many types on damaged files
        return _DAMAGED(path=path, why=exc)
    return ""


def check_ca_file(path: str) -> None:
    """Raises ValueError saying why `path` cannot be trusted as smtp.ca_file (empty: none)."""
    if not path:
        return
    problem = _regular_file_problem(path, CA_FILE_MAX_BYTES)
    if not problem:
        # The call the mail connection makes (notify.delivery), on a context of its own so
        # the system's certificates are not loaded just to check a setting.
        try:
            ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=path)
        except ssl.SSLError:
            problem = _NO_CERTIFICATE(path=path)
        except OSError as exc:
            problem = _CANNOT_READ(path=path, why=exc.strerror or exc)
    if problem:
        raise ValueError(f"{CA_FILE_RULE}; {problem}")


def folder_problem(path: str) -> str:
    """Why `path` can definitely not hold photos ('' when it may). A folder that cannot be
    reached is accepted: a network share can be offline while settings are edited."""
    if os.name != "nt" and path.startswith("/"):
        normal = os.path.normpath(path)
        if any(normal == top or normal.startswith(top + "/") for top in _SYSTEM_FOLDERS):
            return _SYSTEM_FOLDER(path=path)
    try:
        info = os.stat(path)
    except (OSError, ValueError):  # missing or offline: perhaps made or connected later
        return ""
    if not stat.S_ISDIR(info.st_mode):
        return _A_FILE(path=path)
    return ""


def _check_library_dir(path: str) -> None:
    problem = folder_problem(path) if path else ""
    if problem:
        raise ValueError(_LIBRARY_FOLDER(problem=problem))


def _check_watch_folders(folders: list[str]) -> None:
    problems = [p for p in map(folder_problem, folders) if p]
    if problems:
        raise ValueError(_WATCH_FOLDERS(problems="; ".join(problems)))


_UNSUBSCRIBE = sentence(QT_TRANSLATE_NOOP(
    "core", "must be empty, a mailto: address or an https:// link"))


def _unsubscribe(raw: str) -> str:
    value = raw.strip()
    if value and not re.match(r"^(mailto:[^\s@]+@[^\s@]+|https://\S+)$", value):
        raise ValueError(_UNSUBSCRIBE())
    return value


# Yes and no as staff type them, in a setting or a CSV column (also as a spreadsheet ticks).
_YES = {"yes", "y", "true", "1", "on", "x", "ja", "j", "oui", "si", "sí"}
_NO = {"no", "n", "false", "0", "off", "", "nein", "non"}


def yes_or_no(raw: str) -> bool | None:
    """True or False for a yes or a no in any of the usual spellings; None for anything else."""
    value = raw.strip().lower()
    return True if value in _YES else False if value in _NO else None


def _parse_bool(raw: str) -> bool:
    value = yes_or_no(raw)
    if value is None:
        raise ValueError(_YES_OR_NO())
    return value


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
    problem = _slow_pattern(value)
    if problem:
        raise ValueError(f"must not {problem}: matching a file name could then take minutes "
                         r"(the default is (?<![A-Za-z0-9])([A-Za-z]\d{3,})(?![A-Za-z0-9]))")
    return value


# Python's re backtracks: a repeated part that can itself match in many ways (a repeat or a
# choice inside a repeat, e.g. (a+)+b or (a|aa)+b) takes exponential time on a name that
# almost matches, and many open-ended repeats in a row take high polynomial time. A pattern
# for codes in file names needs neither.
_MOST_OPEN_REPEATS = 2


def _slow_pattern(pattern: str) -> str:
    """Why matching could be catastrophically slow ("" when it cannot)."""
    repeats = (c.MAX_REPEAT, c.MIN_REPEAT)
    open_repeats = 0

    def walk(items: object, inside_repeat: bool) -> str:
        nonlocal open_repeats
        for op, av in items:  # type: ignore[attr-defined]
            if op in repeats:
                _low, high, body = av
                if high > 1:
                    if inside_repeat:
                        return "repeat a part that itself repeats, as in (a+)+"
                    if high == c.MAXREPEAT or high > 100:
                        open_repeats += 1
                problem = walk(body, inside_repeat or high > 1)
            elif op is c.BRANCH:
                if inside_repeat:
                    return "repeat a choice, as in (a|b)+; use a character class [ab]+"
                problem = next((p for branch in av[1] if (p := walk(branch, inside_repeat))),
                               "")
            elif op is c.SUBPATTERN:
                problem = walk(av[3], inside_repeat)
            elif op in (c.ASSERT, c.ASSERT_NOT):
                problem = walk(av[1], inside_repeat)
            elif op is c.GROUPREF_EXISTS:
                problem = walk(av[1], inside_repeat) or (walk(av[2], inside_repeat)
                                                         if av[2] else "")
            else:  # literals, classes, anchors; possessive and atomic parts never backtrack
                problem = ""
            if problem:
                return problem
        return ""

    problem = walk(_parser.parse(pattern), False)
    if not problem and open_repeats > _MOST_OPEN_REPEATS:
        problem = f"have more than {_MOST_OPEN_REPEATS} open-ended repeats (+, *, {{n,}})"
    return problem


@dataclass(frozen=True)
class SettingSpec:
    key: str
    description: str
    default: Callable[[], str]
    parse: Callable[[str], Any]
    format: Callable[[Any], str] = str
    allowed: str = ""
    # Looks at the world outside the database (files, folders): when set and when shown.
    check: Callable[[Any], None] | None = None

    @property
    def choices(self) -> tuple[str, ...]:
        if self.parse is _parse_bool:
            return ("yes", "no")
        return getattr(self.parse, "choices", ())


UI_LANGUAGES = ("en", "de")  # what the app itself speaks (emails: see notify/render.py)


def _spec(key: str, description: str, default: str | Callable[[], str],
          parse: Callable[[str], Any], fmt: Callable[[Any], str] = str,
          allowed: str = "", check: Callable[[Any], None] | None = None) -> SettingSpec:
    default_fn = default if callable(default) else (lambda: default)
    return SettingSpec(key, description, default_fn, parse, fmt,
                       allowed or getattr(parse, "allowed", ""), check)


SPECS: dict[str, SettingSpec] = {s.key: s for s in [
    _spec("clinic.name", "The clinic's name, shown in emails", "Our Clinic", _parse_text,
          allowed="text"),
    _spec("clinic.phone", "Phone number patients can call", "", _parse_text, allowed="text"),
    _spec("clinic.email", "Address patients can write to", "", _parse_optional_email,
          allowed="email address or empty"),
    _spec("clinic.address", "Postal address, shown in email footers", "", _parse_text,
          allowed="text"),
    _spec("clinic.logo", "Logo image (PNG/JPEG) at the top of emails; empty = no logo", "",
          _optional_path, allowed=f"PNG or JPEG file, at most {LOGO_MAX_BYTES // 1_000_000} MB "
          f"and {LOGO_MAX_SIDE}×{LOGO_MAX_SIDE} pixels, or empty", check=check_logo_file),
    _spec("clinic.language", "Language of emails to doctors (patients: their own)", "en",
          _parse_language, allowed="a language with email templates, e.g. en, de"),
    _spec("ui.language", "Language of the app (system: the display language of the PC); used "
          "from the next start", "system", _choice("system", *UI_LANGUAGES),
          allowed="system, " + ", ".join(UI_LANGUAGES)),
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
    _spec("smtp.host", "Mail server host name", "", _parse_host,
          allowed="host name or IP address"),
    _spec("smtp.port", "Mail server port", "587", _number(1, 65535)),
    _spec("smtp.security", "How the connection is encrypted", "starttls",
          _choice("starttls", "tls", "none"),
          allowed="starttls, tls, none (only with a relay on this PC)"),
    _spec("smtp.username", "Mail account user name", "",
          _parse_text, allowed="text"),
    _spec("smtp.from", "Sender address of patient emails", "", _parse_optional_email,
          allowed="email address"),
    _spec("smtp.reply_to", "Where patients' replies go", "", _parse_optional_email,
          allowed="email address or empty"),
    _spec("smtp.ca_file", "Extra CA certificate file to trust (for an in-house mail server)",
          "", _optional_path, allowed="PEM certificate file or empty", check=check_ca_file),
    _spec("smtp.timeout", "Seconds to wait for the mail server", "30",
          _number(1, 600, "seconds")),
    _spec("smtp.rate_per_minute", "At most this many emails a minute (Gmail and Microsoft "
          "365 throttle above ~30)", "20", _number(1, 10_000)),
    _spec("smtp.max_attempts", "Give up on an email after this many temporary failures", "6",
          _number(1, 50)),
    _spec("imap.host", "Server of the clinic's mailbox, read for patients' replies with "
          "photos and for bounced emails (empty = not read)", "", _parse_host,
          allowed="host name or IP address, or empty"),
    _spec("imap.port", "Port of the mailbox server", "993", _number(1, 65535)),
    _spec("imap.security", "How the mailbox connection is encrypted", "tls",
          _choice("tls", "starttls"), allowed="tls (port 993), starttls (port 143)"),
    _spec("imap.username", "Mailbox account user name", "", _parse_text, allowed="text"),
    _spec("imap.folder", "The mailbox folder that is read", "INBOX", _parse_folder,
          allowed="folder name, e.g. INBOX"),
    _spec("imap.processed_folder", "Where read mail is moved (never deleted)",
          "Clinic Desktop processed", _parse_folder, allowed="folder name"),
    _spec("notify.doctor_mode", "Tell doctors about progress per event or as a daily digest",
          "digest", _choice("event", "digest"), allowed="event, digest"),
    _spec("notify.reminder_after_days", "Remind a patient about the photo after this many days",
          "3", _number(1, 365, "days")),
    _spec("notify.max_reminders", "At most this many photo reminders per step (0 = none)", "2",
          _number(0, 20)),
    _spec("notify.list_unsubscribe", "Opt-out address or link for the List-Unsubscribe header",
          "", _unsubscribe, allowed="mailto:… or https://… or empty"),
    _spec("photos.library_dir", "Where imported photos are kept (empty = the data folder's "
          "photos/; may be a network share)", "", _optional_path,
          allowed="folder outside the watched folders, or empty",
          check=_check_library_dir),
    _spec("photos.watch_folders", "Folders watched for new photos, separated by ';'", "",
          _folders, _format_folders, allowed="folders separated by ;, none of them in the library",
          check=_check_watch_folders),
    _spec("photos.after_import", "What happens to a watched file once imported", "move",
          _choice("move", "keep"), allowed="move (to imported/), keep"),
    _spec("photos.poll_seconds", "How often watched folders are checked", "30",
          _number(1, 86_400, "seconds")),
    _spec("photos.stable_seconds", "A file is taken once its size has not changed this long",
          "5", _number(1, 3600, "seconds")),
    _spec("photos.max_megapixels", "Larger images are refused (protects against decompression "
          "bombs)", "100", _number(1, 1000)),
    _spec("photos.min_sharpness", "Photos less sharp than this are held as blurred "
          "until staff accept them (0 = not checked)", "80", _number(0, 100_000)),
    _spec("photos.min_brightness", "Photos darker than this are held as too dark "
          "(0 = not checked)", "15", _number(0, 100, "%")),
    _spec("photos.max_brightness", "Photos brighter than this are held as too bright "
          "(100 = not checked)", "85", _number(0, 100, "%")),
    _spec("photos.max_clipped", "Photos with more than this share of pure white are "
          "held as overexposed (100 = not checked)", "10", _number(0, 100, "%")),
    _spec("photos.min_long_side", "Photos smaller than this on their long side are "
          "held as too small (0 = not checked)", "1000", _number(0, 100_000, "pixels")),
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
    """The typed value, checked on its own (no files looked at); see check_values."""
    spec = spec_for(key)
    try:
        return spec.parse(raw)
    except ValueError as exc:
        raise ValidationError(_REFUSED_AS_TYPED(setting=key, rule=exc, raw=repr(raw))) from None


# --- rules across settings: checked when either side is set, again when used ------------------

LOCAL_SMTP_HOSTS = ("localhost", "127.0.0.1", "::1")


_UNENCRYPTED = sentence(QT_TRANSLATE_NOOP(
    "core", "smtp.security = none would send patient emails unencrypted to {host}. It is only "
    "allowed for a relay on this PC (localhost); use starttls (port 587) or tls (port 465)."))
_UNENCRYPTED_FIRST = sentence(QT_TRANSLATE_NOOP(
    "core", "smtp.security = none would send patient emails unencrypted to {host}. It is only "
    "allowed for a relay on this PC (localhost); use starttls (port 587) or tls (port 465). "
    "Change smtp.security first, or both in one save."))
_LIBRARY_IN_WATCHED = sentence(QT_TRANSLATE_NOOP(
    "core", "photos.library_dir {library} overlaps the watched folder {folder}: the folder "
    "watcher would take the library's own photos for new ones and move them out of the "
    "library. Choose a folder outside it."))
_WATCHING_LIBRARY = sentence(QT_TRANSLATE_NOOP(
    "core", "photos.watch_folders cannot include {folder}: it overlaps the photo library "
    "{library}, and the folder watcher would take the library's own photos for new ones and "
    "move them out of the library."))


def smtp_security_problem(host: str, security: str) -> str:
    """Why mail cannot go to `host` with this `security` ('' when it can). Unencrypted SMTP
    would put patients' names and treatment on the wire, so only a relay on this PC may use
    it. Checked when smtp.host or smtp.security is set, and again before sending."""
    if security != "none" or not host or host.strip("[]").lower() in LOCAL_SMTP_HOSTS:
        return ""
    return _UNENCRYPTED(host=host)


def _smtp_security_rule(values: Mapping[str, Any], changed: set[str]) -> dict[str, str]:
    problem = smtp_security_problem(values["smtp.host"], values["smtp.security"])
    if not problem:
        return {}
    if "smtp.security" not in changed:  # the host was changed to another computer
        return {"smtp.host": _UNENCRYPTED_FIRST(host=values["smtp.host"])}
    return {"smtp.security": problem}


def _overlap(a: str, b: str) -> bool:
    """One folder is the other or inside it (by name: a share that is offline still counts)."""
    a, b = (os.path.normcase(os.path.abspath(p)) for p in (a, b))
    return a == b or a.startswith(b.rstrip(os.sep) + os.sep) or \
        b.startswith(a.rstrip(os.sep) + os.sep)


def _library_watch_rule(values: Mapping[str, Any], changed: set[str]) -> dict[str, str]:
    library = values["photos.library_dir"]
    clash = next((f for f in values["photos.watch_folders"] if library and _overlap(library, f)),
                 None)
    if clash is None:
        return {}
    if "photos.library_dir" in changed:
        return {"photos.library_dir": _LIBRARY_IN_WATCHED(library=library, folder=clash)}
    return {"photos.watch_folders": _WATCHING_LIBRARY(library=library, folder=clash)}


# (the keys a rule reads, the rule): a rule runs when one of its keys is being set.
_RULES: list[tuple[tuple[str, ...],
                   Callable[[Mapping[str, Any], set[str]], dict[str, str]]]] = [
    (("smtp.host", "smtp.security"), _smtp_security_rule),
    (("photos.library_dir", "photos.watch_folders"), _library_watch_rule),
]


class SettingsRefused(ValidationError):
    """Values that cannot be set; `problems` maps each refused key to its sentence."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


def _field_problem(key: str, raw: str) -> tuple[Any, str]:
    """(typed value, '') or (None, the sentence saying why `raw` cannot be `key`)."""
    spec = spec_for(key)
    try:
        value = spec.parse(raw)
    except ValueError as exc:
        return None, _REFUSED_AS_TYPED(setting=key, rule=exc, raw=repr(raw))
    if spec.check is not None:
        try:
            spec.check(value)
        except ValueError as exc:
            return None, _REFUSED(setting=key, rule=exc)
    return value, ""


def _stored_raw(session: Session) -> dict[str, str]:
    return {row.key: row.value for row in session.scalars(select(Setting))}


_READ = "clinic_desktop.settings.read"


def _in_transaction(session: Session) -> dict[str, str]:
    """The stored settings, read once per transaction: the daily check asks for the same few
    thousands of times, and a setting left at its default has no row to find by key."""
    # Kept with the transaction and savepoint they were read in (the objects themselves, so
    # a new one is never mistaken for them): a savepoint rolled back may have undone a change.
    cached = session.info.get(_READ)
    if cached is None or cached[0] is not session.get_transaction() \
            or cached[1] is not session.get_nested_transaction():
        stored = _stored_raw(session)  # begins the transaction if none is open
        cached = session.info[_READ] = (session.get_transaction(),
                                        session.get_nested_transaction(), stored)
    return cached[2]


def check_values(session: Session, changes: Mapping[str, str]) -> dict[str, Any]:
    """The typed values of `changes` ({key: text as typed}), each checked on its own (files
    included) and together with the other settings as they would be after saving. Raises
    SettingsRefused with a sentence per refused key. The CLI, the Settings view and the first
    run wizard all check through here."""
    problems: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for key, raw in changes.items():
        value, problem = _field_problem(key, raw)
        if problem:
            problems[key] = problem
        else:
            parsed[key] = value
    stored = _stored_raw(session)
    for keys, rule in _RULES:
        if not set(keys) & set(changes) or set(keys) & set(problems):
            continue
        values = {}
        for key in keys:
            if key in parsed:
                values[key] = parsed[key]
                continue
            try:
                values[key] = SPECS[key].parse(stored.get(key, SPECS[key].default()))
            except ValueError:
                break  # a damaged stored value: shown as such, it cannot refuse this one
        else:
            for key, problem in rule(values, set(changes)).items():
                problems.setdefault(key, problem)
    if problems:
        raise SettingsRefused(problems)
    return parsed


def set_values(session: Session, changes: Mapping[str, str]) -> dict[str, Any]:
    """Store all of `changes` or, if any is refused (check_values), none of them."""
    values = check_values(session, changes)
    session.info.pop(_READ, None)
    for key, value in values.items():
        text = SPECS[key].format(value)
        row = session.get(Setting, key)
        if row is not None and row.value == text:
            continue
        before = row.value if row is not None else None
        if row is None:
            session.add(Setting(key=key, value=text))
        else:
            row.value = text
        audit.record(session, "setting_changed", entity="setting", before={key: before},
                     after={key: text})
    return values


def set_value(session: Session, key: str, raw: str) -> Any:
    return set_values(session, {key: raw})[key]


def get(session: Session, key: str) -> Any:
    """The typed value; a damaged stored value is reported, never silently replaced."""
    spec = spec_for(key)
    raw = _in_transaction(session).get(key)
    if raw is None:
        raw = spec.default()
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


@dataclass(frozen=True)
class SettingRow:
    key: str
    value: str
    is_default: bool
    problem: str
    description: str
    allowed: str


def show_all(session: Session) -> list[SettingRow]:
    """Every setting with what is wrong with it now: a stored value that was fine when set
    can go bad later (the logo file deleted, a certificate replaced by another file)."""
    stored = _stored_raw(session)
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key, spec in SPECS.items():
        try:
            values[key] = spec.parse(stored.get(key, spec.default()))
            if spec.check is not None:
                spec.check(values[key])
        except ValueError as exc:
            problems[key] = f"invalid: {exc}"
    for keys, rule in _RULES:
        if all(key in values for key in keys):
            for key, problem in rule(values, set(keys)).items():
                problems.setdefault(key, f"invalid: {problem}")
    return [SettingRow(key, stored.get(key, spec.default()), key not in stored,
                       problems.get(key, ""), spec.description, spec.allowed)
            for key, spec in SPECS.items()]


def clinic_zone(session: Session) -> ZoneInfo:
    return ZoneInfo(get(session, "clinic.timezone"))

