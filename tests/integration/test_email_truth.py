"""Emails tell the truth: each word about a step matches how it ended (a photo, staff, the
daily check's auto-progress, a skip), through the real templates in English and German, and
nothing queued earlier that says otherwise goes out afterwards."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from servers import configure_smtp
from sqlalchemy import select

from clinic_desktop import settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Notification, Patient
from clinic_desktop.domain import progression
from clinic_desktop.domain.daily_check import daily_check
from clinic_desktop.domain.patients import add_doctor
from clinic_desktop.notify import outbox
from clinic_desktop.notify.delivery import deliver_outbox

START = date(2026, 3, 2)
DUE = START + timedelta(days=7)

# What each language says for each way a step ends ("new step started" opening line), and
# the words that would be a lie after it.
STARTED = {
    ("en", "photo"): "Thank you for your photo.",
    ("en", "staff"): "As agreed with your clinic, your next treatment step has started",
    ("en", "auto"): "Your next treatment step has started today, as planned",
    ("en", "skipped"): "Your clinic has moved you on to your next treatment step",
    ("de", "photo"): "vielen Dank für Ihr Foto.",
    ("de", "staff"): "wie mit Ihrer Praxis besprochen",
    ("de", "auto"): "Ihr nächster Behandlungsschritt hat heute planmäßig begonnen",
    ("de", "skipped"): "Ihre Praxis hat Sie zum nächsten Behandlungsschritt weitergeführt",
}
THANKS = {"en": "Thank you for your photo", "de": "vielen Dank für Ihr Foto"}
KEEP_WEARING = {"en": "please keep wearing your current step until then",
                "de": "Bitte bleiben Sie bis dahin bei Ihrem aktuellen Schritt"}
STARTS_TODAY = {"en": "It starts today: you will receive its details in a separate email",
                "de": "Er beginnt heute; die Einzelheiten erhalten Sie in einer eigenen E-Mail"}
DOCTOR = {"photo": "A photo completed the step", "staff": "Staff completed the step",
          "auto": "The daily check advanced the step automatically",
          "skipped": "Staff skipped the step"}


def enrol_patient(app: Any, enrol: Any, language: str) -> int:
    with write_session(app.sessions) as session:
        settings.set_value(session, "notify.doctor_mode", "event")
        patient = enrol(session, "P1", [7, 14, 14], START)
        patient.language = language
        patient.doctor = add_doctor(session, "Dr. Weiss", "weiss@clinic.example.org")
        return int(patient.id)


def end_step(app: Any, patient_id: int, how: str, today: date) -> None:
    """End the active step the way staff, a photo or the daily check would."""
    if how == "auto":
        daily_check(app.sessions, today, auto_progress=True)
        return
    with write_session(app.sessions) as session:
        step = progression.active_step(session, patient_id)
        assert step is not None
        if how == "photo":
            assert progression.complete_after_photo(session, step, today) is not None
        elif how == "staff":
            progression.complete_early(session, step, today)
        else:
            progression.skip_step(session, step, today)


def patient_emails(app: Any, patient_id: int) -> dict[str, Notification]:
    with app.sessions() as session:
        return {n.kind: n for n in session.scalars(select(Notification).where(
            Notification.patient_id == patient_id).order_by(Notification.id))}


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("how", ["photo", "staff", "auto", "skipped"])
def test_each_email_says_how_the_step_ended(sqlite_app, enrol, language: str,
                                            how: str) -> None:  # type: ignore[no-untyped-def]
    patient_id = enrol_patient(sqlite_app, enrol, language)
    end_step(sqlite_app, patient_id, how, DUE)
    emails = patient_emails(sqlite_app, patient_id)
    started = emails[outbox.KIND_STEP_STARTED]
    for part in (started.body_text, started.body_html):
        assert STARTED[language, how] in part
        if how != "photo":
            assert THANKS[language] not in part
    doctor = emails[outbox.KIND_DOCTOR_PROGRESS]
    assert DOCTOR[how] in doctor.body_text
    finished = emails.get(outbox.KIND_STEP_FINISHED)
    if how == "auto":
        # The daily check told the patient the step is done, in the same run that started
        # the next one: the email says so instead of "keep wearing it until we have a photo".
        assert finished is not None and finished.status == outbox.STATUS_QUEUED
        for part in (finished.body_text, finished.body_html):
            assert STARTS_TODAY[language] in part and KEEP_WEARING[language] not in part
    else:
        assert finished is None


@pytest.mark.parametrize("how", ["photo", "staff", "skipped", "auto"])
def test_a_photo_required_email_still_queued_when_the_step_ends_never_contradicts_it(
        sqlite_app, enrol, smtp_server_factory, how: str) -> None:  # type: ignore[no-untyped-def]
    """The daily check queued 'photo required' and a reminder; before they went out (send
    window, paused sending, server down) the step ended. What reaches the patient agrees."""
    server = smtp_server_factory("none")
    patient_id = enrol_patient(sqlite_app, enrol, "en")
    with write_session(sqlite_app.sessions) as session:
        configure_smtp(session, server)
    daily_check(sqlite_app.sessions, DUE)
    assert patient_emails(sqlite_app, patient_id)[outbox.KIND_STEP_FINISHED].status == \
        outbox.STATUS_QUEUED
    end_step(sqlite_app, patient_id, how, DUE)
    deliver_outbox(sqlite_app.sessions)
    texts = [m.get_body(("plain",)).get_content() for m in server.messages
             if m["To"].addresses[0].username == "p1"]
    assert texts, "the patient got no email at all"
    assert not any(KEEP_WEARING["en"] in text for text in texts)
    assert any(STARTED["en", how] in text for text in texts)
    finished = patient_emails(sqlite_app, patient_id)[outbox.KIND_STEP_FINISHED]
    if how == "auto":
        assert finished.status == outbox.STATUS_SENT
        assert STARTS_TODAY["en"] in finished.body_text
    else:
        assert finished.status == outbox.STATUS_CANCELLED
        assert "before it went out" in finished.last_error


def test_the_dry_run_promises_the_digest_the_real_run_queues(sqlite_app, enrol) -> None:  # type: ignore[no-untyped-def]
    with write_session(sqlite_app.sessions) as session:
        settings.set_value(session, "notify.doctor_mode", "digest")
        doctor = add_doctor(session, "Dr. Weiss", "weiss@clinic.example.org")
        for code in ("P1", "P2"):
            enrol(session, code, [7, 14], START).doctor = doctor
    late = DUE + timedelta(days=5)  # late enough for the digest's "late" list
    rehearsed = daily_check(sqlite_app.sessions, late, auto_progress=True, dry_run=True)
    with sqlite_app.sessions() as session:
        assert session.scalar(select(Notification.id)) is None  # the dry run kept nothing
        assert session.scalar(select(Patient.id).where(Patient.code == "P1")) is not None
    real = daily_check(sqlite_app.sessions, late, auto_progress=True)
    assert (rehearsed.follow_ups.digests, rehearsed.follow_ups.reminders) == \
        (real.follow_ups.digests, real.follow_ups.reminders)
    assert [(i.email, i.progress) for i in rehearsed.scan.items] == \
        [(i.email, i.progress) for i in real.scan.items]


def test_undoing_the_progression_puts_the_withdrawn_photo_required_email_back(
        sqlite_app, enrol) -> None:  # type: ignore[no-untyped-def]
    from clinic_desktop.domain.patients import get_patient

    patient_id = enrol_patient(sqlite_app, enrol, "en")
    daily_check(sqlite_app.sessions, DUE)
    end_step(sqlite_app, patient_id, "staff", DUE)
    assert patient_emails(sqlite_app, patient_id)[outbox.KIND_STEP_FINISHED].status == \
        outbox.STATUS_CANCELLED
    with write_session(sqlite_app.sessions) as session:
        progression.undo_last_progression(session, get_patient(session, "P1"))
    emails = patient_emails(sqlite_app, patient_id)
    finished = emails[outbox.KIND_STEP_FINISHED]
    assert (finished.status, finished.last_error) == (outbox.STATUS_QUEUED, "")
    assert KEEP_WEARING["en"] in finished.body_text  # the step waits for its photo again
    assert outbox.KIND_STEP_STARTED not in emails  # withdrawn by the undo


def test_a_doctor_with_many_late_patients_gets_a_digest_of_the_first_fifty_and_the_count(
        sqlite_app, enrol) -> None:  # type: ignore[no-untyped-def]
    from clinic_desktop.domain.reminders import DIGEST_ROWS

    # A clinic group's doctor: at 10,000 patients the digest of them all was over 256 KB and
    # stopped the whole daily check.
    with write_session(sqlite_app.sessions) as session:
        settings.set_value(session, "notify.doctor_mode", "digest")
        doctor = add_doctor(session, "Dr. Weiss", "weiss@clinic.example.org")
        for n in range(DIGEST_ROWS + 12):
            enrol(session, f"P{n:03d}", [7, 14], START).doctor = doctor
    late = DUE + timedelta(days=5)

    check = daily_check(sqlite_app.sessions, late)

    assert check.follow_ups.digests == 1
    with sqlite_app.sessions() as session:
        digest = session.scalar(select(Notification).where(
            Notification.kind == outbox.KIND_DOCTOR_DIGEST))
    assert digest is not None and digest.status == outbox.STATUS_QUEUED
    assert f"Late with their photo ({DIGEST_ROWS + 12}):" in digest.body_text
    assert "and 12 more: the full list is in Clinic Desktop (Today)." in digest.body_text
    assert digest.body_text.count(" days late") == DIGEST_ROWS
    assert "P000 " in digest.body_text and f"P{DIGEST_ROWS + 11:03d} " not in digest.body_text
    assert "and 12 more" in digest.body_html
