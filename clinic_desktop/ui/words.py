"""The staff's words for the core's names and sentences: email kinds and states, step states,
photo results, setting choices, and the sentences the core writes (an email's problem, a
job's summary) in the app's language. The core keeps its names (step_finished,
needs_attention); staff never see them."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from clinic_desktop.sentences import CONTEXT, Sentence, recognise
from clinic_desktop.ui.i18n import date_text, translate
from clinic_desktop.ui.qt import QT_TRANSLATE_NOOP, QLocale, QTime

EMAIL_KINDS = {
    "step_finished": QT_TRANSLATE_NOOP("words", "Photo required"),
    "step_started": QT_TRANSLATE_NOOP("words", "New step started"),
    "photo_reminder": QT_TRANSLATE_NOOP("words", "Photo reminder"),
    "doctor_progress": QT_TRANSLATE_NOOP("words", "Progress note to the doctor"),
    "doctor_digest": QT_TRANSLATE_NOOP("words", "Daily summary to the doctor"),
    "test_email": QT_TRANSLATE_NOOP("words", "Test email"),
    "photo_retake": QT_TRANSLATE_NOOP("words", "Request for a better photo"),
}

EMAIL_STATUSES = {
    "queued": QT_TRANSLATE_NOOP("words", "waiting to be sent"),
    "sending": QT_TRANSLATE_NOOP("words", "being sent"),
    "sent": QT_TRANSLATE_NOOP("words", "sent"),
    "failed": QT_TRANSLATE_NOOP("words", "failed"),
    "needs_attention": QT_TRANSLATE_NOOP("words", "held back"),
    "cancelled": QT_TRANSLATE_NOOP("words", "cancelled"),
    "bounced": QT_TRANSLATE_NOOP("words", "came back undeliverable"),
}

STEP_STATES = {
    "pending": QT_TRANSLATE_NOOP("words", "not started"),
    "scheduled": QT_TRANSLATE_NOOP("words", "starts on its date"),
    "active": QT_TRANSLATE_NOOP("words", "active"),
    "paused": QT_TRANSLATE_NOOP("words", "paused"),
    "due": QT_TRANSLATE_NOOP("words", "due"),
    "completed": QT_TRANSLATE_NOOP("words", "completed"),
    "skipped": QT_TRANSLATE_NOOP("words", "skipped"),
}

PHOTO_RESULTS = {
    "imported": QT_TRANSLATE_NOOP("words", "imported"),
    "duplicate": QT_TRANSLATE_NOOP("words", "already there"),
    "unmatched": QT_TRANSLATE_NOOP("words", "no patient found"),
    "refused": QT_TRANSLATE_NOOP("words", "refused"),
    "assigned": QT_TRANSLATE_NOOP("words", "assigned"),
    "dismissed": QT_TRANSLATE_NOOP("words", "dismissed"),
}

# Why the photo quality gate held a photo (photos/quality.py), as staff say it.
QUALITY_ISSUES = {
    "small": QT_TRANSLATE_NOOP("words", "too small"),
    "dark": QT_TRANSLATE_NOOP("words", "too dark"),
    "bright": QT_TRANSLATE_NOOP("words", "too bright"),
    "clipped": QT_TRANSLATE_NOOP("words", "overexposed"),
    "blurred": QT_TRANSLATE_NOOP("words", "blurred"),
}

# Which view of the teeth a photo shows (domain/photo_views.py).
PHOTO_VIEWS = {
    "front": QT_TRANSLATE_NOOP("words", "front"),
    "left": QT_TRANSLATE_NOOP("words", "left"),
    "right": QT_TRANSLATE_NOOP("words", "right"),
    "upper": QT_TRANSLATE_NOOP("words", "upper jaw"),
    "lower": QT_TRANSLATE_NOOP("words", "lower jaw"),
}

# What the history (audit log) of a patient records.
HISTORY = {
    "patient_added": QT_TRANSLATE_NOOP("words", "patient added"),
    "patient_edited": QT_TRANSLATE_NOOP("words", "patient details changed"),
    "plan_applied": QT_TRANSLATE_NOOP("words", "plan applied"),
    "plan_finished": QT_TRANSLATE_NOOP("words", "plan finished"),
    "step_activated": QT_TRANSLATE_NOOP("words", "step started"),
    "step_completed": QT_TRANSLATE_NOOP("words", "step completed"),
    "step_skipped": QT_TRANSLATE_NOOP("words", "step skipped"),
    "step_paused": QT_TRANSLATE_NOOP("words", "step paused"),
    "step_resumed": QT_TRANSLATE_NOOP("words", "step resumed"),
    "step_edited": QT_TRANSLATE_NOOP("words", "step changed"),
    "step_added": QT_TRANSLATE_NOOP("words", "step added"),
    "steps_reordered": QT_TRANSLATE_NOOP("words", "steps reordered"),
    "progression_undone": QT_TRANSLATE_NOOP("words", "last progression undone"),
    "photo_imported": QT_TRANSLATE_NOOP("words", "photo imported"),
    "inbox_assigned": QT_TRANSLATE_NOOP("words", "photo assigned from the inbox"),
    "reminder_queued": QT_TRANSLATE_NOOP("words", "photo reminder queued"),
    "notification_queued": QT_TRANSLATE_NOOP("words", "email queued"),
    "notification_sent": QT_TRANSLATE_NOOP("words", "email sent"),
    "notification_needs_attention": QT_TRANSLATE_NOOP("words", "email held back"),
    "email_withdrawn": QT_TRANSLATE_NOOP("words", "email withdrawn"),
    "email_retry": QT_TRANSLATE_NOOP("words", "email sent again"),
    "email_requeued": QT_TRANSLATE_NOOP("words", "email queued again"),
    "email_cancelled": QT_TRANSLATE_NOOP("words", "email cancelled"),
    "email_read": QT_TRANSLATE_NOOP("words", "email from the patient read"),
    "email_bounced": QT_TRANSLATE_NOOP("words", "email came back undeliverable"),
    "address_bouncing": QT_TRANSLATE_NOOP("words", "email address marked undeliverable"),
    "address_confirmed": QT_TRANSLATE_NOOP("words", "email address confirmed"),
    "photo_accepted": QT_TRANSLATE_NOOP("words", "photo accepted as it is"),
    "photo_retake_requested": QT_TRANSLATE_NOOP("words", "better photo requested"),
    "photo_view_set": QT_TRANSLATE_NOOP("words", "photo view set"),
    "demo_created": QT_TRANSLATE_NOOP("words", "demo clinic created"),
}

# The choices of settings with a drop-down (settings.SPECS[...].choices).
CHOICES = {
    "yes": QT_TRANSLATE_NOOP("words", "yes"),
    "no": QT_TRANSLATE_NOOP("words", "no"),
    "starttls": QT_TRANSLATE_NOOP("words", "STARTTLS (usually port 587)"),
    "tls": QT_TRANSLATE_NOOP("words", "TLS from the start (usually port 465)"),
    "none": QT_TRANSLATE_NOOP("words", "none (only a relay on this PC)"),
    "event": QT_TRANSLATE_NOOP("words", "an email per event"),
    "digest": QT_TRANSLATE_NOOP("words", "one summary a day"),
    "move": QT_TRANSLATE_NOOP("words", "move it to the imported folder"),
    "keep": QT_TRANSLATE_NOOP("words", "leave it where it is"),
    "comma": QT_TRANSLATE_NOOP("words", "comma"),
    "semicolon": QT_TRANSLATE_NOOP("words", "semicolon (Excel in German)"),
    "system": QT_TRANSLATE_NOOP("words", "the language of this PC"),
    "en": QT_TRANSLATE_NOOP("words", "English"),
    "de": QT_TRANSLATE_NOOP("words", "German (Deutsch)"),
}


def _word(table: dict[str, str], name: str) -> str:
    """The staff's word; a name we have no word for yet is shown readable, not raw."""
    english = table.get(name)
    return translate("words", english) if english else name.replace("_", " ")


def email_kind(kind: str) -> str:
    return _word(EMAIL_KINDS, kind)


def email_status(status: str) -> str:
    return _word(EMAIL_STATUSES, status)


def photo_view(view: str) -> str:
    """'front', 'upper jaw' … in the app's language; "" for a photo whose view is not known."""
    return _word(PHOTO_VIEWS, view) if view else ""


def step_state(state: str) -> str:
    return _word(STEP_STATES, state)


def photo_result(status: str) -> str:
    return _word(PHOTO_RESULTS, status)


def quality_issues(issues: list[str]) -> str:
    """ "blurred, too dark": a held photo's issues, most important first."""
    return ", ".join(_word(QUALITY_ISSUES, issue) for issue in issues)


def history(action: str) -> str:
    return _word(HISTORY, action)


def choice(value: str) -> str:
    return _word(CHOICES, value)


# --- the core's sentences -------------------------------------------------------------------

# Sentences the core joins into one text (a job's summary: "2 sent, 1 failed; <why>").
_JOINS = ("; ", ", ")
# Facts the core writes in ISO form, shown in the locale's (sentences.py names them so).
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_STATUSES = {**PHOTO_RESULTS, **EMAIL_STATUSES}
_WHEN = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})")


def core_text(text: str) -> str:
    """A text of the Qt-free core in the app's language. Each sentence is recognised by its
    template (clinic_desktop/sentences.py) and said again from its facts, which may be
    sentences themselves ("Not sent: <the server's refusal>"); setting keys become the
    fields' labels. What the core did not make from a template (a server's own words, a file
    name, a sentence stored by an older version) stays as it is."""
    # The locale names the language (i18n.install sets both): a list of a thousand failed
    # emails says a few dozen different sentences.
    return _said_in(text, QLocale().name()) if text else text


@lru_cache(maxsize=4096)
def _said_in(text: str, _locale: str) -> str:
    # Here, not at the top: settings_view imports this module (through widgets).
    from clinic_desktop.ui.settings_view import named_fields

    said = _phrased(text, _JOINS)
    return named_fields(said) if _setting_keys().search(said) else said


@lru_cache(maxsize=1)
def _setting_keys() -> re.Pattern[str]:
    from clinic_desktop.ui.settings_view import LABELS  # see _said_in

    return re.compile("|".join(re.escape(key) for key in LABELS))


def _phrased(text: str, joins: tuple[str, ...]) -> str:
    found = recognise(text)
    if found is not None:
        return _said(*found)
    listed = _as_list(text)
    if listed is not None:
        return listed
    for index, join in enumerate(joins):
        parts = text.split(join)
        if len(parts) == 1:
            continue
        # The longest run of parts that is one sentence, from the left: a sentence may hold
        # the join itself ("… (attempt 1 of 5; next try in 1 min)").
        said, start = [], 0
        while start < len(parts):
            for end in range(len(parts), start, -1):
                piece = join.join(parts[start:end])
                found = recognise(piece)
                if found is not None or end == start + 1:
                    break
            said.append(_said(*found) if found is not None
                        else _phrased(piece, joins[index + 1:]))
            start = end
        return join.join(said)
    return text


def _as_list(text: str) -> str | None:
    """A list of problems the core made one sentence ("Code 'x' must be …; a first or last
    name is required.": the first letter made a capital, a full stop at the end), said
    problem by problem; None when the first is not a sentence of the core."""
    if not (text[:1].isupper() and text.endswith(".")):
        return None
    inner = text[:1].lower() + text[1:-1]
    if recognise(inner.split("; ")[0]) is None:
        return None
    said = _phrased(inner, _JOINS)
    return said[:1].upper() + said[1:] + "."


def _said(known: Sentence, facts: dict[str, str]) -> str:
    words = translate(CONTEXT, known.template)
    values = {name: _fact(name, value) for name, value in facts.items()}
    try:
        return words.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation that broke its placeholders
        return known.template.format(**values)


def _fact(name: str, value: str) -> str:
    if name == "status" and value in _STATUSES:  # an email's or an inbox photo's state
        return translate("words", _STATUSES[value])
    if name.split("_")[0] == "day" and _DAY.fullmatch(value):
        return date_text(date.fromisoformat(value))
    moment = _WHEN.fullmatch(value) if name == "when" else None
    if moment is not None:
        day, hour, minute = moment.groups()
        return f"{date_text(date.fromisoformat(day))} " + QLocale().toString(
            QTime(int(hour), int(minute)), QLocale.FormatType.ShortFormat)
    return _phrased(value, _JOINS)
