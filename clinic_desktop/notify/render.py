"""Email templates: defaults per language, staff-edited copies, sandboxed rendering and checks."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, wraps
from pathlib import Path
from typing import Any, cast

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
    nodes,
    pass_eval_context,
)
from jinja2.exceptions import SecurityError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop import audit
from clinic_desktop.config import EMAIL_LANGUAGES, templates_dir
from clinic_desktop.db.models import EmailTemplate
from clinic_desktop.errors import ConfigError, ValidationError
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

STEP_FINISHED = "step_finished"
STEP_STARTED = "step_started"
PHOTO_REMINDER = "photo_reminder"
DOCTOR_PROGRESS = "doctor_progress"
DOCTOR_DIGEST = "doctor_digest"
TEST_EMAIL = "test_email"
PHOTO_RETAKE = "photo_retake"  # staff ask for a better photo than the one the gate held
KINDS = (STEP_FINISHED, STEP_STARTED, PHOTO_REMINDER, PHOTO_RETAKE, DOCTOR_PROGRESS,
         DOCTOR_DIGEST, TEST_EMAIL)
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
    return list(EMAIL_LANGUAGES)


def language_for(requested: str | None) -> str:
    """The patient's language when templates exist for it, else English."""
    return requested if requested in available_languages() else DEFAULT_LANGUAGE


def _autoescape(name: str | None) -> bool:
    return bool(name and name.endswith(".html.j2"))


# --- limits: a staff-edited template must not be able to exhaust the PC ----------------------
# The sandbox stops escapes, not cost: '{{ "a" * 10**8 }}' queued 100 MB per email. Every value a
# template makes is bounded before it is made; what is written is counted; loops, calls and
# attribute look-ups tick a step counter that also watches the clock.
MAX_RANGE = 10_000  # items of range(...)
MAX_ITEMS = 100_000  # characters of a text or items of a list made by *, +, ~, join, ...
MAX_NUMBER = 10**12  # result of ** (and bits of *) on whole numbers
MAX_WORK = 10**7  # sizes of a filter's or method's inputs multiplied (e.g. text × width)
MAX_PART_CHARS = 256 * 1024  # characters of one rendered part: subject, text or HTML
MAX_STEPS = 1_000_000  # loop items, calls and look-ups while rendering one part
CHECK_SECONDS = 2.0  # CPU time for rendering one part with sample data when saving
SEND_SECONDS = 10.0  # CPU time for rendering one part of a real email
_WIDE_FORMAT = re.compile(r"\d{6,}")  # "%99999999s": a field a million characters wide

# Why a template is refused, in the template editor's words (ui/words.py says them in German).
_TOO_LONG = sentence(QT_TRANSLATE_NOOP(
    "core", "the template would make a text or list longer than {size} characters or items"))(
    size=f"{MAX_ITEMS:,}")
_TOO_SLOW = sentence(QT_TRANSLATE_NOOP("core", "the template takes too long to fill in"))()
_LONG_RANGE = sentence(QT_TRANSLATE_NOOP("core", "range(...) goes over more than {size} items"))
_LARGE_NUMBER = sentence(QT_TRANSLATE_NOOP(
    "core", "the template calculates a number larger than {size}"))
_RECURSION = sentence(QT_TRANSLATE_NOOP("core", "a macro calls itself too often"))
_PART_TOO_LARGE = sentence(QT_TRANSLATE_NOOP("core", "would be larger than {n} KB"))
_PART_LABELS = {"subject": sentence(QT_TRANSLATE_NOOP("core", "Subject")),
                "text": sentence(QT_TRANSLATE_NOOP("core", "Text part")),
                "html": sentence(QT_TRANSLATE_NOOP("core", "HTML part"))}
_EMPTY = sentence(QT_TRANSLATE_NOOP("core", "{part} of the {kind} email is empty."))
_AT_LINE = sentence(QT_TRANSLATE_NOOP("core", "{part}, line {n}: {problem}"))
_TOO_LARGE = sentence(QT_TRANSLATE_NOOP(
    "core", "{part} {problem}: shorten the template or what it repeats."))
_IN_PART = {"subject": sentence(QT_TRANSLATE_NOOP("core", "Subject: {problem}")),
            "text": sentence(QT_TRANSLATE_NOOP("core", "Text part: {problem}")),
            "html": sentence(QT_TRANSLATE_NOOP("core", "HTML part: {problem}"))}
# Jinja's words for a name the email does not know, made again from our templates.
_UNDEFINED = sentence(QT_TRANSLATE_NOOP("core", "{name} is undefined"))
_NO_ATTRIBUTE = sentence(QT_TRANSLATE_NOOP("core", "{thing} has no attribute {name}"))
_UNDEFINED_WORDS = re.compile(r"('[^']*') is undefined")
_NO_ATTRIBUTE_WORDS = re.compile(r"('[^']*') has no attribute ('[^']*')")
_UNKNOWN_KIND = sentence(QT_TRANSLATE_NOOP("core", "Unknown email kind {kind}. Kinds: {kinds}."))
_NO_LANGUAGE = sentence(QT_TRANSLATE_NOOP(
    "core", "There are no templates in language {language}. Languages: {languages}."))


class TemplateLimitError(SecurityError):
    """A template asked for more than an email can need; str() is the reason in plain words."""


class _PartTooLarge(TemplateLimitError):
    pass


class _Budget(threading.local):
    """What the part being rendered on this thread has used so far (None: not counting)."""

    deadline: float | None = None
    steps = 0
    chars = 0


_budget = _Budget()


class _counting:
    """Count steps, time and written characters while one part is rendered on this thread."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        self.saved = (_budget.deadline, _budget.steps, _budget.chars)
        _budget.deadline, _budget.steps, _budget.chars = \
            time.thread_time() + self.seconds, 0, 0

    def __exit__(self, *exc: object) -> None:
        _budget.deadline, _budget.steps, _budget.chars = self.saved


def _tick() -> None:
    if _budget.deadline is None:
        return
    _budget.steps += 1
    if _budget.steps > MAX_STEPS or (
            _budget.steps % 64 == 0 and time.thread_time() > _budget.deadline):
        raise TemplateLimitError(_TOO_SLOW)


def _size(value: Any) -> int:
    """Roughly how much a value weighs: characters, items (one level deep), or a number."""
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return abs(value)
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return len(value) + sum(len(v) for v in value if isinstance(v, (str, list, tuple)))
    return 1


def _check_work(values: Iterable[Any]) -> None:
    work = 1
    for value in values:
        work *= max(_size(value), 1)
        if work > MAX_WORK:
            raise TemplateLimitError(_TOO_LONG)


def _check_format(fmt: Any) -> None:
    if isinstance(fmt, str) and _WIDE_FORMAT.search(fmt):
        raise TemplateLimitError(_TOO_LONG)


def _joined(items: Any, sep: Any) -> list[Any]:
    listed = list(items)
    if sum(_size(item) for item in listed) + len(listed) * _size(sep) > MAX_ITEMS:
        raise TemplateLimitError(_TOO_LONG)
    return listed


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimitError(_LONG_RANGE(size=f"{MAX_RANGE:,}"))
    return numbers


def _paced(items: Any) -> Iterator[Any]:
    # Every loop goes through here: a loop nested three deep over range(1000) ticks the budget.
    for item in items:
        _tick()
        yield item


@pass_eval_context
def _concat(eval_ctx: EvalContext, *parts: Any) -> str:
    # "~" is not an interceptable operator; it is rewritten into this call.
    if sum(_size(p) if isinstance(p, str) else 1 for p in parts) > MAX_ITEMS:
        raise TemplateLimitError(_TOO_LONG)
    return (markup_join if eval_ctx.autoescape else str_join)(parts)


def _literal(text: str) -> Markup:
    # Template text is written through a call so that it is counted like any other output.
    return Markup(text)


def _finalize(value: Any) -> Any:
    if _budget.deadline is not None:
        _tick()
        _budget.chars += len(value) if isinstance(value, str) else 1
        if _budget.chars > MAX_PART_CHARS:
            raise _PartTooLarge(_PART_TOO_LARGE(n=MAX_PART_CHARS // 1024))
    return value


class _Bounded(NodeTransformer):
    """Route loops, "~" and template text through the counting helpers above."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _call("_paced", cast(nodes.Expr, node.iter), like=node)  # always an Expr
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _call("_concat", *node.nodes, like=node)

    def visit_TemplateData(self, node: nodes.TemplateData) -> nodes.Node:
        return _call("_literal", nodes.Const(node.data), like=node)


def _call(name: str, *args: nodes.Expr, like: nodes.Node) -> nodes.Call:
    call = nodes.Call(nodes.Name(name, "load"), list(args), [], None, None)
    call.set_lineno(like.lineno)
    return call


class BoundedSandbox(SandboxedEnvironment):
    """The jinja2 sandbox with limits on size, numbers, loops and time (see the limits above)."""

    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, finalize=_finalize, **kwargs)
        self.globals.pop("lipsum", None)  # lipsum(10**5) writes megabytes of Latin
        self.globals.update(range=_range, _paced=_paced, _concat=_concat, _literal=_literal)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        template = super()._parse(source, name, filename)
        _Bounded().visit(template)
        template.set_environment(self)
        return template

    def bound_filters(self) -> None:
        """Wrap every filter so its inputs are weighed first (call once filters are added)."""
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "*":
            _check_product(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "+":
            if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) \
                    and _size(left) + _size(right) > MAX_ITEMS:
                raise TemplateLimitError(_TOO_LONG)
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
            _check_work([left, right])
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any,
             **kwargs: Any) -> Any:
        _tick()
        if __obj is _literal or __obj is _paced:  # ours, called for every line and loop
            return __obj(*args)
        method = getattr(__obj, "__wrapped__", __obj)
        owner = getattr(method, "__self__", None)
        name = getattr(method, "__name__", "")
        if isinstance(owner, str) and name in ("format", "format_map"):
            _check_format(owner)
        if isinstance(owner, str) and name == "join" and len(args) == 1 and not kwargs:
            args = (_joined(args[0], owner),)
        # A macro weighs what it writes, not its inputs; range(...) weighs itself.
        if not hasattr(__obj, "_invoke") and __obj is not _range:
            _check_work([owner, *args, *kwargs.values()] if owner is not None
                        else [*args, *kwargs.values()])
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _tick()
        return super().getitem(obj, argument)


def _check_product(left: Any, right: Any) -> None:
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
            if _size(seq) * times > MAX_ITEMS:
                raise TemplateLimitError(_TOO_LONG)
            return
    if isinstance(left, int) and isinstance(right, int) and \
            left.bit_length() + right.bit_length() > MAX_NUMBER.bit_length():
        raise TemplateLimitError(_LARGE_NUMBER(size=f"{MAX_NUMBER:,}"))


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0 \
            and exponent * (abs(base).bit_length() - 1) > MAX_NUMBER.bit_length():
        raise TemplateLimitError(_LARGE_NUMBER(size=f"{MAX_NUMBER:,}"))


def _bounded_filter(name: str, f: Callable[..., Any]) -> Callable[..., Any]:
    if name == "join":
        @pass_eval_context
        def join(eval_ctx: EvalContext, value: Any, d: str = "", attribute: Any = None) -> Any:
            _tick()
            return f(eval_ctx, _joined(value, d), d, attribute)
        return join

    @wraps(f)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        values = [a for a in (*args, *kwargs.values())
                  if not isinstance(a, (Context, EvalContext)) and a is not None]
        if name == "format" and values:
            _check_format(values[0])
        _check_work(values)
        return f(*args, **kwargs)
    return bounded


def _make_env(loader: BaseLoader) -> BoundedSandbox:
    env = BoundedSandbox(loader=loader, autoescape=_autoescape, undefined=StrictUndefined,
                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["date"] = _format_date
    env.filters["datetime"] = _format_datetime
    env.bound_filters()
    return env


@cache
def _default_env(root: Path) -> BoundedSandbox:
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
        raise ValidationError(_UNKNOWN_KIND(kind=repr(kind), kinds=", ".join(KINDS)))


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
            assert default.loader is not None  # _default_env gives it one
            self.env = _make_env(ChoiceLoader([DictLoader(sources), default.loader]))

    def render(self, kind: str, language: str, context: Mapping[str, Any]) -> RenderedEmail:
        _check_kind(kind)
        language = language_for(language)
        values = {**context, "language": language}
        parts = {}
        for part in PARTS:
            try:
                parts[part] = self.render_part(kind, language, part, values, SEND_SECONDS)
            except Exception as exc:  # a template is code the staff wrote: any error is theirs
                why = f"its {_PART_NAMES[part]} {exc}" if isinstance(exc, _PartTooLarge) \
                    else _reason(exc)
                raise ConfigError(f"The {kind} email ({language}) cannot be written: {why}. Fix "
                                  "the template in Settings → Email templates.") from exc
        return RenderedEmail(_one_line(parts["subject"]), parts["text"].strip() + "\n",
                             parts["html"])

    def render_part(self, kind: str, language: str, part: str, values: Mapping[str, Any],
                    seconds: float) -> str:
        """One part, within the limits: at most MAX_PART_CHARS characters and `seconds` of CPU."""
        with _counting(seconds):
            text = self.env.get_template(template_name(kind, language, part)).render(values)
        if len(text) > MAX_PART_CHARS:  # escaping can grow what was counted
            raise _PartTooLarge(_PART_TOO_LARGE(n=MAX_PART_CHARS // 1024))
        return text


_PART_NAMES = {"subject": "subject", "text": "text part", "html": "HTML part"}


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


def template_source(session: Session, kind: str, language: str) -> dict[str, str]:
    """The template of this email as it is in force: the staff's copy, else the default."""
    row = session.scalar(select(EmailTemplate).where(EmailTemplate.kind == kind,
                                                     EmailTemplate.language == language))
    if row is None:
        return default_source(kind, language)
    return {"subject": row.subject, "text": row.body_text, "html": row.body_html}


@dataclass(frozen=True)
class TemplateVersion:
    """Which version of one email is in force: the default, or a copy staff edited."""

    kind: str
    language: str
    edited_by: str | None  # None: the default
    edited_at: datetime | None


def template_versions(session: Session) -> list[TemplateVersion]:
    """Every kind of email in every language, with who edited it last, if anyone did."""
    edited = {(t.kind, t.language): t for t in session.scalars(select(EmailTemplate))}
    versions = []
    for kind in KINDS:
        for language in available_languages():
            row = edited.get((kind, language))
            versions.append(TemplateVersion(kind, language, row.updated_by if row else None,
                                            row.updated_at if row else None))
    return versions


def check_template(kind: str, language: str, sources: Mapping[str, str]) -> None:
    """Refuse a broken template before it is saved: syntax, unknown names, unsafe access.

    The message names the part and line, e.g. "HTML part, line 12: unexpected '}'".
    """
    _check_kind(kind)
    labels = {part: label() for part, label in _PART_LABELS.items()}
    for part in PARTS:
        source = sources.get(part, "")
        if not source.strip():
            raise ValidationError(_EMPTY(part=labels[part], kind=kind))
        try:
            _default_env(templates_dir()).parse(source)
        except TemplateSyntaxError as exc:
            raise ValidationError(_AT_LINE(part=labels[part], n=exc.lineno,
                                           problem=exc.message)) from None
    trial = TemplateSet({(kind, language): sources})
    for sample in sample_contexts(kind):
        for part in PARTS:
            try:
                trial.render_part(kind, language, part, {**sample, "language": language},
                                  CHECK_SECONDS)
            except _PartTooLarge as exc:
                raise ValidationError(_TOO_LARGE(part=labels[part], problem=exc)) from None
            except Exception as exc:  # a template is code the staff wrote: any error is theirs
                line = _error_line(exc)
                raise ValidationError(
                    _AT_LINE(part=labels[part], n=line, problem=_reason(exc)) if line
                    else _IN_PART[part](problem=_reason(exc))) from None


def _reason(exc: Exception) -> str:
    if isinstance(exc, OverflowError):
        return _LARGE_NUMBER(size=f"{MAX_NUMBER:,}")
    if isinstance(exc, UndefinedError):
        words = str(exc)
        if found := _UNDEFINED_WORDS.fullmatch(words):
            return _UNDEFINED(name=found[1])
        if found := _NO_ATTRIBUTE_WORDS.fullmatch(words):
            return _NO_ATTRIBUTE(thing=found[1], name=found[2])
    if isinstance(exc, (TemplateError, ArithmeticError, TypeError, ValueError, LookupError)):
        return str(exc)
    if isinstance(exc, RecursionError):
        return _RECURSION()
    if isinstance(exc, MemoryError):
        return _TOO_LONG
    return f"{type(exc).__name__}: {exc}"


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

    if language not in available_languages():
        raise ValidationError(_NO_LANGUAGE(language=repr(language),
                                           languages=", ".join(available_languages())))
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
    if kind == PHOTO_RETAKE:
        # reasons: photos/quality.py's issues, most important first.
        return [{**base, "reasons": ["blurred"], "taken_on": date(2026, 3, 15)},
                {**base, "reasons": ["small", "dark", "bright", "clipped", "blurred"],
                 "taken_on": date(2026, 3, 15)}]
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
                                  "reason": "the patient has no email address"}],
                 # A doctor of a clinic group: the lists hold the first rows of many.
                 "progressed_total": 1, "late_total": 57, "undelivered_total": 1},
                {"clinic": clinic, "doctor": doctor, "day": date(2026, 3, 16),
                 "progressed": [], "late": [], "undelivered": [], "progressed_total": 0,
                 "late_total": 0, "undelivered_total": 0}]
    return [{"clinic": clinic, "sent_at": datetime(2026, 3, 16, 9, 0), "pc": "RECEPTION-1"}]
