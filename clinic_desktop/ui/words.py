"""The staff's words for the core's names: email kinds and states, step states, photo
results, setting choices. The core keeps its names (step_finished, needs_attention); staff
never see them."""

from __future__ import annotations

from clinic_desktop.ui.i18n import translate
from clinic_desktop.ui.qt import QT_TRANSLATE_NOOP

EMAIL_KINDS = {
    "step_finished": QT_TRANSLATE_NOOP("words", "Photo required"),
    "step_started": QT_TRANSLATE_NOOP("words", "New step started"),
    "photo_reminder": QT_TRANSLATE_NOOP("words", "Photo reminder"),
    "doctor_progress": QT_TRANSLATE_NOOP("words", "Progress note to the doctor"),
    "doctor_digest": QT_TRANSLATE_NOOP("words", "Daily summary to the doctor"),
    "test_email": QT_TRANSLATE_NOOP("words", "Test email"),
}

EMAIL_STATUSES = {
    "queued": QT_TRANSLATE_NOOP("words", "waiting to be sent"),
    "sending": QT_TRANSLATE_NOOP("words", "being sent"),
    "sent": QT_TRANSLATE_NOOP("words", "sent"),
    "failed": QT_TRANSLATE_NOOP("words", "failed"),
    "needs_attention": QT_TRANSLATE_NOOP("words", "held back"),
    "cancelled": QT_TRANSLATE_NOOP("words", "cancelled"),
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


def step_state(state: str) -> str:
    return _word(STEP_STATES, state)


def photo_result(status: str) -> str:
    return _word(PHOTO_RESULTS, status)


def history(action: str) -> str:
    return _word(HISTORY, action)


def choice(value: str) -> str:
    return _word(CHOICES, value)
