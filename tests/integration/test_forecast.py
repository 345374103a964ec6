"""The forecast promises what the clinic's days then really bring: a simulated month of daily
checks and sending over a real SMTP server, with photo imports and a setting changed in
between, each real day compared with the latest forecast made before it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from servers import configure_smtp, dump
from sqlalchemy import func, select

from clinic_desktop import clock, scheduler, settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Notification, Patient, TreatmentStep
from clinic_desktop.domain import forecast as forecasting
from clinic_desktop.domain.patients import add_doctor, get_patient
from clinic_desktop.domain.progression import pause_step
from clinic_desktop.photos.importer import IMPORTED, PhotoImporter

BERLIN = ZoneInfo("Europe/Berlin")
START = date(2026, 3, 2)  # a Monday; Berlin moves to summer time on 29 March


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BERLIN).astimezone(UTC)


def open_clinic(app: Any, enrol: Any, server: Any) -> None:
    """Checks at 07:00, sending from 08:00 to 18:00 at 20 a minute, two reminders 3 days
    apart, the doctor's daily digest; patients with and without address or consent, one
    paused."""
    with write_session(app.sessions) as session:
        configure_smtp(session, server, rate_per_minute=20)
        for key, value in {"schedule.daily_time": "07:00", "send_window.start": "08:00",
                           "send_window.end": "18:00", "notify.reminder_after_days": "3",
                           "notify.max_reminders": "2", "notify.doctor_mode": "digest",
                           "reports.late_after_days": "5"}.items():
            settings.set_value(session, key, value)
        doctor = add_doctor(session, "Dr. Lena Graf", "graf@clinic.example.org")
        patients = [enrol(session, "P1", [7, 7, 7], START),
                    enrol(session, "P2", [7, 10], START, email=None),
                    enrol(session, "P3", [7, 7], START, consent=False),
                    enrol(session, "P4", [4, 4, 4, 4, 4, 4], START),
                    enrol(session, "P5", [7, 14], START)]
        for patient in patients:
            patient.doctor_id = doctor.id
        session.flush()
        p5_step = session.scalar(select(TreatmentStep).where(
            TreatmentStep.patient_id == patients[4].id, TreatmentStep.is_active.is_(True)))
        pause_step(session, p5_step, START + timedelta(days=9), START + timedelta(days=3))


def real_day(app: Any, day: date) -> list[tuple[Any, ...]]:
    """The day as the scheduler lives it: the check at 07:00 (the window is still shut),
    the sending job at 08:00 over the real SMTP server. Returns what the check queued and
    what was sent that day, as (kind, patient, recipient, step, reminder, outcome, sent at,
    subject), in the order sent."""
    with app.sessions() as session:
        before = session.scalar(select(func.max(Notification.id))) or 0
    with clock.simulated(at(day, 7)) as simulated:
        assert "send window is closed" in scheduler.run_daily_check(app, day).summary
        simulated.at = at(day, 8)
        assert scheduler.run_delivery(app).ok
    start, end = at(day, 0), at(day + timedelta(days=1), 0)
    with app.sessions() as session:
        rows = session.execute(
            select(Notification, Patient.code, TreatmentStep.order)
            .outerjoin(Patient, Patient.id == Notification.patient_id)
            .outerjoin(TreatmentStep, TreatmentStep.id == Notification.step_id)
            .where((Notification.id > before)
                   | ((Notification.sent_at >= start) & (Notification.sent_at < end)))).all()
    outcome = {"sent": forecasting.SENT, "needs_attention": forecasting.HELD}
    emails = [(n.kind, code or "", n.recipient, order,
               int(n.dedupe_key.rsplit(":", 1)[1]) if n.kind == "photo_reminder" else None,
               outcome[n.status], n.sent_at, n.subject) for n, code, order in rows]
    return sorted(emails, key=lambda e: (e[6] or datetime.max.replace(tzinfo=UTC), e))


def promised(forecast_day: forecasting.ForecastDay) -> list[tuple[Any, ...]]:
    return sorted([(e.kind, e.patient_code, e.recipient, e.step_order, e.reminder_number,
                    e.outcome, e.sends_at, e.subject) for e in forecast_day.emails],
                  key=lambda e: (e[6] or datetime.max.replace(tzinfo=UTC), e))


def import_photo(app: Any, photo_files: Any, code: str, day: date) -> None:
    with clock.simulated(at(day, 6, 30)):
        path = photo_files.jpeg(f"{code}_{day.isoformat()}_front.jpg")
        outcome = PhotoImporter.for_app(app, day).import_file(path, patient_code=code,
                                                              taken=day)
    assert outcome.status == IMPORTED, outcome.line()


def test_each_day_of_a_month_brings_what_the_latest_forecast_promised(
        app, enrol, smtp_server_factory, photo_files) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    open_clinic(app, enrol, server)
    # Staff's doings, in the morning before the check: photos arrive, auto-progress is
    # switched on. Each makes the forecast out of date; a new one is made.
    photos = {8: ["P1"], 9: ["P4"], 12: ["P5"], 16: ["P1", "P4"], 23: ["P4"]}
    auto_progress_from = 19
    forecast: forecasting.Forecast | None = None
    made_on = 0
    checked_days = 0
    kinds: set[str] = set()
    for offset in range(30):
        day = START + timedelta(days=offset)
        for code in photos.get(offset, []):
            import_photo(app, photo_files, code, day)
            forecast = None
        if offset == auto_progress_from:
            with write_session(app.sessions) as session:
                settings.set_value(session, "schedule.auto_progress", "yes")
            forecast = None
        if forecast is None or offset - made_on == len(forecast.days):
            with clock.simulated(at(day, 6, 45)):
                forecast = scheduler.forecast(app, 7)
            made_on = offset
            assert forecast.days[0].check_at == at(day, 7)
        expected = forecast.days[offset - made_on]
        assert expected.day == day
        assert real_day(app, day) == promised(expected), day
        checked_days += 1
        kinds |= {e.kind for e in expected.emails}
        if expected.emails and any(e.outcome == forecasting.SENT for e in expected.emails):
            # Nothing goes out before the window opens; the rate limit spaces them 3 s.
            sent = [e.sends_at for e in expected.emails if e.sends_at]
            assert sent[0] == at(day, 8)
            assert expected.last_send_at == at(day, 8) + timedelta(seconds=3 * (len(sent) - 1))
    assert checked_days == 30
    # The month had every kind of email the daily check and imports bring, and the emails
    # for patients without address or consent were held.
    assert kinds == {"step_finished", "step_started", "photo_reminder", "doctor_digest"}
    assert len(server.messages) > 20


def test_the_forecast_changes_nothing_and_honours_pause_consent_and_address(
        app, db_url, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    open_clinic(app, enrol, smtp_server_factory("none"))
    before = dump(db_url)
    with clock.simulated(at(START + timedelta(days=6), 12)):
        forecast = scheduler.forecast(app, 10)
    assert dump(db_url) == before
    by_day = {d.day: d for d in forecast.days}
    # Day 6 at noon: today's check has not run (a PC was off): it runs now, sends at once.
    assert forecast.days[0].check_at == at(START + timedelta(days=6), 12)
    due = START + timedelta(days=7)
    finished = {e.patient_code: e for e in by_day[due].emails if e.kind == "step_finished"}
    assert set(finished) == {"P1", "P2", "P3"}  # P5 is paused until day 9
    assert finished["P1"].outcome == forecasting.SENT and finished["P1"].step_ends == due
    assert (finished["P2"].outcome, finished["P2"].reason) == \
        (forecasting.HELD, "the patient has no email address")
    assert (finished["P3"].outcome, finished["P3"].reason) == \
        (forecasting.HELD, "the patient has not agreed to receive emails")
    # P5's step, paused, gets its email on the day its pause moved the end to, not before.
    with app.sessions() as session:
        p5_end = session.scalar(select(TreatmentStep.due_date).where(
            TreatmentStep.patient_id == get_patient(session, "P5").id,
            TreatmentStep.is_active.is_(True)))
    assert p5_end is not None and due < p5_end <= forecast.days[-1].day
    assert [d.day for d in forecast.days for e in d.emails
            if e.patient_code == "P5" and e.kind == "step_finished"] == [p5_end]
    # Reminders 1 and 2 of 2, each 3 days after the one before went out, and no third.
    reminders = [(e.reminder_number, e.max_reminders, d.day) for d in forecast.days
                 for e in d.emails if e.kind == "photo_reminder" and e.patient_code == "P1"]
    assert reminders == [(1, 2, due + timedelta(days=3)), (2, 2, due + timedelta(days=6))]


def test_a_forecast_made_after_todays_check_only_sends_what_waits(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    open_clinic(app, enrol, smtp_server_factory("none"))
    due = START + timedelta(days=7)
    with clock.simulated(at(due, 7)):
        scheduler.claim_daily_check(app, clock.now_utc())
        scheduler.run_daily_check(app, due)  # the window is shut: P1's email waits
    with clock.simulated(at(due, 7, 30)):
        forecast = scheduler.forecast(app, 2)
    today = forecast.days[0]
    assert today.check_at is None  # not run again: only what waits goes out, from 08:00
    with app.sessions() as session:
        waiting = session.scalars(select(Notification.recipient).where(
            Notification.status == "queued").order_by(Notification.id)).all()
    assert "p1@example.org" in waiting
    assert [e.recipient for e in today.emails] == waiting
    assert all(e.queued_before and e.outcome == forecasting.SENT for e in today.emails)
    assert [e.sends_at for e in today.emails] == [
        at(due, 8) + timedelta(seconds=3 * n) for n in range(len(waiting))]


def test_without_sending_set_up_the_emails_wait_and_no_reminder_follows(
        app, enrol) -> None:  # type: ignore[no-untyped-def]
    with write_session(app.sessions) as session:
        enrol(session, "P1", [7, 7], START)
    with clock.simulated(at(START + timedelta(days=7), 6)):
        forecast = scheduler.forecast(app, 7)
    assert "Sending email is not set up yet" in forecast.not_sent
    emails = [(d.day, e.kind, e.outcome) for d in forecast.days for e in d.emails]
    assert emails[0] == (START + timedelta(days=7), "step_finished", forecasting.WAITING)
    assert all(kind != "photo_reminder" for _, kind, _ in emails)


def test_forecast_command_prints_the_days_and_a_stable_json(
        app, run, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    open_clinic(app, enrol, smtp_server_factory("none"))
    with clock.simulated(at(START + timedelta(days=6), 6)):
        code, out, err = run("forecast", "--days", "3")
        json_code, json_out, _ = run("forecast", "--json")
    assert (code, err) == (0, "")
    assert "Sunday 8 March 2026" in out and "P1" in out
    assert "photo required: step 1 'Step 1' ended on 2026-03-09" in out
    assert "held: the patient has no email address" in out
    assert "the last of 1 email(s) goes out at 08:00" in out
    assert json_code == 0
    data = json.loads(json_out)
    assert [d["day"] for d in data["days"]] == [
        (START + timedelta(days=6 + n)).isoformat() for n in range(7)]
    monday = data["days"][1]
    assert monday["check_at"] == "2026-03-09T07:00:00+01:00"
    p1 = next(e for e in monday["emails"] if e["patient"] == "P1")
    assert p1 == {"kind": "step_finished", "outcome": "sent",
                  "sends_at": "2026-03-09T08:00:00+01:00", "reason": "",
                  "recipient": "p1@example.org", "patient": "P1", "patient_name": "Test P1",
                  "doctor": "", "step": 1, "step_name": "Step 1", "step_ends": "2026-03-09",
                  "step_starts": "2026-03-02", "reminder": None, "of_reminders": None,
                  "queued_before": False,
                  "subject": "📸 Treatment Step 'Step 1' Completed - Photo Required"}


def test_forecast_days_out_of_range_are_refused_with_a_sentence(run) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("forecast", "--days", "0")
    assert code == 2 and "--days" in err and "1 to 31" in err


def test_a_bouncing_address_gets_nothing_in_the_forecast_queued_or_waiting(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    open_clinic(app, enrol, smtp_server_factory("none"))
    due = START + timedelta(days=7)
    with clock.simulated(at(due, 7)):
        scheduler.claim_daily_check(app, clock.now_utc())
        scheduler.run_daily_check(app, due)  # the window is shut: P1's and P4's emails wait
    # Mail to P1, P4 and P5 came back undeliverable (issue 18 flags the address).
    with write_session(app.sessions) as session:
        for code in ("P1", "P4", "P5"):
            patient = get_patient(session, code)
            patient.bounced_email, patient.bounce_reason = patient.email, "550 no such user"
            patient.bounced_at = at(due, 7, 10)
    with clock.simulated(at(due, 7, 30)):
        forecast = scheduler.forecast(app, 10)
    emails = {(e.patient_code, e.kind, e.outcome, d.day) for d in forecast.days
              for e in d.emails if e.patient_code in ("P1", "P4", "P5")}
    with app.sessions() as session:
        p5_end = session.scalar(select(TreatmentStep.due_date).where(
            TreatmentStep.patient_id == get_patient(session, "P5").id,
            TreatmentStep.is_active.is_(True)))
    # The emails already waiting are held when their turn comes, P5's (its paused step ends
    # later) when it is queued; no reminder follows any of them.
    assert emails == {("P1", "step_finished", forecasting.HELD, due),
                      ("P4", "step_finished", forecasting.HELD, due),
                      ("P5", "step_finished", forecasting.HELD, p5_end)}
    assert all("came back undeliverable (550 no such user)" in e.reason
               for d in forecast.days for e in d.emails if e.patient_code in ("P1", "P4", "P5"))


def test_a_queue_longer_than_the_evening_goes_out_after_midnight_and_says_so(
        app, run, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    open_clinic(app, enrol, smtp_server_factory("none"))
    with write_session(app.sessions) as session:  # a late check, one email a minute, any time
        for key, value in {"schedule.daily_time": "23:58", "send_window.start": "",
                           "send_window.end": "", "smtp.rate_per_minute": "1"}.items():
            settings.set_value(session, key, value)
    due = START + timedelta(days=7)
    with clock.simulated(at(due, 12)):
        forecast = scheduler.forecast(app, 1)
        code, out, _ = run("forecast", "--days", "1")
    sent = [e.sends_at for e in forecast.days[0].emails if e.sends_at is not None]
    assert len(sent) >= 3 and sent == [at(due, 23, 58) + timedelta(minutes=n)
                                       for n in range(len(sent))]
    last = forecast.days[0].last_send_at
    assert last is not None and last.astimezone(BERLIN).date() == due + timedelta(days=1)
    assert code == 0
    assert f"goes out at {last.astimezone(BERLIN):%Y-%m-%d %H:%M}" in out
