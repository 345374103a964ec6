"""Email templates: defaults per language, staff-edited copies, sandboxed rendering and checks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    DictLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop.config import templates_dir
from clinic_desktop.db.models import EmailTemplate
from clinic_desktop.errors import ConfigError, ValidationError

STEP_FINISHED = "step_finished"
STEP_STARTED = "step_started"
PHOTO_REMINDER = "photo_reminder"
DOCTOR_PROGRESS = "doctor_progress"
DOCTOR_DIGEST = "doctor_digest"
TEST_EMAIL = "test_email"
KINDS = (STEP_FINISHED, STEP_STARTED, PHOTO_REMINDER, DOCTOR_PROGRESS, DOCTOR_DIGEST, TEST_EMAIL)
PARTS = ("subject", "text", "html")
_SUFFIX = {"subject": ".subject.j2", "text": ".txt.j2", "html": ".html.j2"}
DEFAULT_LANGUAGE = "en"
# How a step came to an end, so each email says what happened (progressed_by).
BY_PHOTO = "photo"  # a photo arrived for the finished step
BY_STAFF = "staff"  # staff completed it ("Complete now", an early photo confirmed by staff)
BY_AUTO = "auto"  # the daily check advanced it without a photo (--auto-progress)
BY_SKIP = "skipped"  # staff skipped it
PROGRESSED_BY = (BY_PHOTO, BY_STAFF, BY_AUTO, BY_SKIP)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def template_name(kind: str, language: str, part: str) -> str:
    return f"{language}/{kind}{_SUFFIX[part]}"


def available_languages() -> list[str]:
    return list(_languages_in(templates_dir()))


@cache
def _languages_in(root: Path) -> tuple[str, ...]:
    # The shipped templates do not change while the program runs: read the folder once.
    return tuple(sorted(p.name for p in root.iterdir()
                        if p.is_dir() and (p / f"{STEP_FINISHED}.txt.j2").is_file()))


def language_for(requested: str | None) -> str:
    """The patient's language when templates exist for it, else English."""
    return requested if requested in available_languages() else DEFAULT_LANGUAGE


def _autoescape(name: str | None) -> bool:
    return bool(name and name.endswith(".html.j2"))


def _make_env(loader: BaseLoader) -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=loader, autoescape=_autoescape, undefined=StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["date"] = _format_date
    env.filters["datetime"] = _format_datetime
    return env


@cache
def _default_env(root: Path) -> SandboxedEnvironment:
    return _make_env(FileSystemLoader(str(root), encoding="utf-8"))


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LANGUAGE)


def _format_date(value: date | None, language: str = DEFAULT_LANGUAGE) -> str:
    if value is None:
        return ""
    return format_date(value, format="long", locale=_locale(language))


def _format_datetime(value: datetime | None, language: str = DEFAULT_LANGUAGE) -> str:
    if value is None:
        return ""
    return format_datetime(value, format="medium", locale=_locale(language))


def default_source(kind: str, language: str) -> dict[str, str]:
    """The shipped template texts for one kind and language."""
    _check_kind(kind)
    root = templates_dir()
    return {part: (root / template_name(kind, language, part)).read_text(encoding="utf-8")
            for part in PARTS}


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError(f"Unknown email kind {kind!r}. Kinds: {', '.join(KINDS)}.")


class TemplateSet:
    """The templates in force: shipped defaults with staff-edited copies on top."""

    def __init__(self, overrides: Mapping[tuple[str, str], Mapping[str, str]] | None = None):
        self.overrides = dict(overrides or {})
        default = _default_env(templates_dir())
        if not self.overrides:
            self.env = default
        else:
            sources = {template_name(kind, lang, part): texts[part]
                       for (kind, lang), texts in self.overrides.items() for part in PARTS}
            self.env = _make_env(ChoiceLoader([DictLoader(sources), default.loader]))

    def render(self, kind: str, language: str, context: Mapping[str, Any]) -> RenderedEmail:
        _check_kind(kind)
        language = language_for(language)
        values = {**context, "language": language}
        try:
            parts = {part: self.env.get_template(template_name(kind, language, part))
                     .render(values) for part in PARTS}
        except TemplateError as exc:
            raise ConfigError(f"The {kind} email ({language}) cannot be written: {exc}. Fix the "
                              "template in Settings → Email templates.") from exc
        return RenderedEmail(_one_line(parts["subject"]), parts["text"].strip() + "\n",
                             parts["html"])


def _one_line(text: str) -> str:
    # A subject is one header line: CR/LF from a name or a template can never start a new header.
    return re.sub(r"\s+", " ", text).strip()


_cached_set: tuple[tuple[object, ...], TemplateSet] | None = None


def templates_for(session: Session) -> TemplateSet:
    """The templates in force; rebuilt only when a staff copy was saved or reset since."""
    global _cached_set
    version = (str(session.get_bind().engine.url), *session.execute(
        select(func.count(EmailTemplate.id), func.max(EmailTemplate.updated_at),
               func.sum(EmailTemplate.id))).one())
    if _cached_set is not None and _cached_set[0] == version:
        return _cached_set[1]
    rows = session.scalars(select(EmailTemplate)).all()
    result = TemplateSet({(r.kind, r.language): {"subject": r.subject, "text": r.body_text,
                                                  "html": r.body_html} for r in rows})
    _cached_set = (version, result)
    return result


def check_template(kind: str, language: str, sources: Mapping[str, str]) -> None:
    """Refuse a broken template before it is saved: syntax, unknown names, unsafe access.

    The message names the part and line, e.g. "HTML part, line 12: unexpected '}'".
    """
    _check_kind(kind)
    labels = {"subject": "Subject", "text": "Text part", "html": "HTML part"}
    for part in PARTS:
        source = sources.get(part, "")
        if not source.strip():
            raise ValidationError(f"{labels[part]} of the {kind} email is empty.")
        try:
            _default_env(templates_dir()).parse(source)
        except TemplateSyntaxError as exc:
            raise ValidationError(f"{labels[part]}, line {exc.lineno}: {exc.message}") from None
    trial = TemplateSet({(kind, language): sources})
    for sample in sample_contexts(kind):
        for part in PARTS:
            try:
                trial.env.get_template(template_name(kind, language, part)).render(
                    {**sample, "language": language})
            except (UndefinedError, SecurityError, TemplateError) as exc:
                line = _error_line(exc)
                where = f", line {line}" if line else ""
                raise ValidationError(f"{labels[part]}{where}: {exc}") from None


def _error_line(exc: Exception) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2") or "<template>" in \
                tb.tb_frame.f_code.co_filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def save_template(session: Session, kind: str, language: str, sources: Mapping[str, str],
                  actor: str) -> EmailTemplate:
    from clinic_desktop import audit

    if language not in available_languages():
        raise ValidationError(f"There are no templates in language {language!r}. Languages: "
                              f"{', '.join(available_languages())}.")
    check_template(kind, language, sources)
    row = session.scalar(select(EmailTemplate).where(EmailTemplate.kind == kind,
                                                     EmailTemplate.language == language))
    before = None
    if row is None:
        row = EmailTemplate(kind=kind, language=language, subject="", body_text="", body_html="")
        session.add(row)
    else:
        before = {"subject": row.subject}
    row.subject, row.body_text, row.body_html = sources["subject"], sources["text"], \
        sources["html"]
    row.updated_by = actor
    session.flush()
    audit.record(session, "template_edited", entity="email_template", entity_id=row.id,
                 before=before, after={"kind": kind, "language": language,
                                       "subject": sources["subject"]})
    return row


def reset_template(session: Session, kind: str, language: str) -> bool:
    from clinic_desktop import audit

    row = session.scalar(select(EmailTemplate).where(EmailTemplate.kind == kind,
                                                     EmailTemplate.language == language))
    if row is None:
        return False
    session.delete(row)
    audit.record(session, "template_reset", entity="email_template",
                 detail=f"{kind} ({language}) back to the default")
    return True


# --- sample data: for checking edited templates and for previews ----------------------------


def sample_contexts(kind: str) -> list[dict[str, Any]]:
    """Contexts that exercise every branch a template may have (e.g. last step or not)."""
    clinic = {"name": "Sample Clinic", "phone": "+44 20 7946 0000",
              "email": "reception@example.org", "address": "1 High Street, London",
              "has_logo": True}
    patient = {"code": "P00123", "first_name": "Anna", "last_name": "Weber",
               "full_name": "Anna Weber"}
    step = {"order": 3, "name": "Aligner 3", "duration_days": 14,
            "instructions": "Wear your aligners 22 hours a day.",
            "start_date": date(2026, 3, 1), "due_date": date(2026, 3, 15)}
    nxt = {"order": 4, "name": "Aligner 4", "duration_days": 14,
           "instructions": "Wear your aligners 22 hours a day."}
    doctor = {"name": "Dr. Ben Okafor"}
    previous = {**step, "order": 2, "name": "Aligner 2"}
    base = {"clinic": clinic, "patient": patient, "step": step, "step_count": 24}
    # Both kinds get what step_email_context gives: next and previous step, each maybe None.
    if kind in (STEP_FINISHED, STEP_STARTED):
        return [{**base, "next_step": following, "previous_step": before,
                 "progressed_by": how, "next_started": started}
                for how in PROGRESSED_BY for started in (False, True)
                for following, before in ((nxt, previous), (None, None))]
    if kind == PHOTO_REMINDER:
        return [{**base, "reminder_number": 1, "max_reminders": 2, "days_waiting": 3}]
    if kind == DOCTOR_PROGRESS:
        return [{**base, "doctor": doctor, "completed_step": step, "next_step": following,
                 "plan_finished": following is None, "progressed_by": how}
                for how in PROGRESSED_BY for following in (nxt, None)]
    if kind == DOCTOR_DIGEST:
        return [{"clinic": clinic, "doctor": doctor, "day": date(2026, 3, 16),
                 "progressed": [{"patient_code": "P00123", "patient_name": "Anna Weber",
                                 "step_name": "Aligner 3", "order": 3, "step_count": 24,
                                 "next_step_name": "Aligner 4"}],
                 "late": [{"patient_code": "P00077", "patient_name": "Jonas Rossi",
                           "step_name": "Aligner 8", "due_date": date(2026, 3, 9),
                           "days_late": 7}],
                 "undelivered": [{"patient_code": "P00090", "patient_name": "Lena Novak",
                                  "reason": "the patient has no email address"}]},
                {"clinic": clinic, "doctor": doctor, "day": date(2026, 3, 16),
                 "progressed": [], "late": [], "undelivered": []}]
    return [{"clinic": clinic, "sent_at": datetime(2026, 3, 16, 9, 0), "pc": "RECEPTION-1"}]
